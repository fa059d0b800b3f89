package dev.corvus.dns.plugin.grpc;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Where one upstream listens: an IP address and port, or a Unix domain socket ({@code
 * unix:///path}).
 *
 * @param inet the address and port, or {@code null} for a Unix socket
 * @param unix the socket's path, or {@code null} for an IP address
 */
record UpstreamAddress(InetSocketAddress inet, Path unix) {

  static UpstreamAddress inet(InetSocketAddress address) {
    return new UpstreamAddress(address, null);
  }

  static UpstreamAddress unix(Path path) {
    return new UpstreamAddress(null, path);
  }

  /** The upstream as CoreDNS's {@code to} metric label names it: {@code 10.0.0.1:53}, {@code [::1]:53}, {@code unix:///path}. */
  String label() {
    if (unix != null) {
      return "unix://" + unix;
    }
    String host = inet.getAddress().getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return (inet.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + inet.getPort();
  }

  @Override
  public String toString() {
    return label();
  }
}
