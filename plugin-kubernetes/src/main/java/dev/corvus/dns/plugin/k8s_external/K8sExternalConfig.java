package dev.corvus.dns.plugin.k8s_external;

import dev.corvus.dns.api.Fallthrough;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code k8s_external} directive.
 *
 * @param zones the external zones answered
 * @param apex the label of the zone's own records ({@code ns1.APEX.ZONE}); {@code dns} by default
 * @param ttl the TTL of answers; 5 by default
 * @param headless whether headless Services without external IPs answer with their endpoints
 * @param fallthrough where names that do not exist go to the next plugin
 */
record K8sExternalConfig(
    List<Name> zones, String apex, long ttl, boolean headless, Fallthrough fallthrough) {

  static final String DEFAULT_APEX = "dns";
  static final long DEFAULT_TTL = 5;

  K8sExternalConfig {
    zones = List.copyOf(zones);
  }
}
