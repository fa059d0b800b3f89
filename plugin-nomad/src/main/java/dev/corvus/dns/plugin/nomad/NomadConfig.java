package dev.corvus.dns.plugin.nomad;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The validated {@code nomad} directive.
 *
 * @param zone the zone answered, {@code service.nomad.} by default
 * @param addresses the Nomad agents' HTTP API URLs, tried in turn; {@code NOMAD_ADDR} or {@code
 *     http://127.0.0.1:4646} by default
 * @param filter Nomad's filter expression for the services, empty for none
 * @param token the ACL token's secret ID ({@code NOMAD_TOKEN} by default), when there is one
 * @param ttl the TTL of every record, 0 to 3600 seconds, 30 by default
 */
record NomadConfig(Name zone, List<URI> addresses, String filter, Optional<String> token, long ttl) {

  static final String DEFAULT_ZONE = "service.nomad.";
  static final String DEFAULT_ADDRESS = "http://127.0.0.1:4646";
  static final long DEFAULT_TTL = 30;

  NomadConfig {
    addresses = List.copyOf(addresses);
  }

  @Override
  public String toString() {
    return "NomadConfig[zone=" + zone + ", addresses=" + addresses + ", filter=" + filter + ", token="
        + (token.isPresent() ? "(hidden)" : "none") + ", ttl=" + ttl + "]";
  }
}
