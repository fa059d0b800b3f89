package dev.corvus.dns.plugin.autopath;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code autopath} directive.
 *
 * @param zones the zones whose queries are expanded (the server block's by default)
 * @param search the search path read from a resolv.conf; empty with {@code @kubernetes}
 * @param fromKubernetes whether the search path comes per client from the kubernetes plugin
 */
record AutopathConfig(List<Name> zones, List<Name> search, boolean fromKubernetes) {
  AutopathConfig {
    zones = List.copyOf(zones);
    search = List.copyOf(search);
  }
}
