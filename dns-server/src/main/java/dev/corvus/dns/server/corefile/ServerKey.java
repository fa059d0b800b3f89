package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.config.Location;
import org.xbill.DNS.Name;

/**
 * One key of a server block after expansion: {@code tls://example.org:853} or one reverse zone of
 * a CIDR key.
 *
 * @param scheme the transport
 * @param zone the zone, lower case and absolute
 * @param port the port, already defaulted (0 means an ephemeral port)
 * @param network for a reverse zone expanded from a CIDR whose prefix is not on an octet (nibble)
 *     boundary, that CIDR (e.g. {@code 10.1.0.0/17}): the server must refuse names outside it;
 *     otherwise {@code null}
 * @param location where the key is written
 */
public record ServerKey(Scheme scheme, Name zone, int port, String network, Location location) {

  /** The key as CoreDNS writes it in logs and the {@code server} metric label, e.g. {@code dns://.:53}. */
  public String label() {
    return scheme.prefix() + "://" + zone + ":" + port;
  }
}
