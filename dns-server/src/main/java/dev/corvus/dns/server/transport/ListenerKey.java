package dev.corvus.dns.server.transport;

import dev.corvus.dns.server.corefile.Scheme;
import java.net.InetAddress;

/**
 * A socket address the Corefile asks to listen on.
 *
 * @param scheme {@code dns} (UDP and TCP) or {@code tls} (TCP with TLS)
 * @param host the bind address, or {@code null} for every address
 * @param port the port as configured (0: a free port chosen at bind time)
 */
public record ListenerKey(Scheme scheme, InetAddress host, int port) {

  /** CoreDNS's {@code server} label, e.g. {@code dns://:53} or {@code dns://127.0.0.1:53}. */
  public String label() {
    String address = host == null ? "" : host.getHostAddress();
    if (host instanceof java.net.Inet6Address) {
      address = "[" + address + "]";
    }
    return scheme.prefix() + "://" + address + ":" + port;
  }
}
