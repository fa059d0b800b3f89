package dev.corvus.dns.plugin.forward;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One upstream server as configured: its address and whether it speaks DNS over TLS.
 *
 * @param address the server's IP address and port
 * @param tls whether queries go over TLS (RFC 7858) instead of plain UDP/TCP
 */
record UpstreamAddress(InetSocketAddress address, boolean tls) {

  UpstreamAddress {
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("upstream address must be an IP literal: " + address);
    }
  }

  /**
   * The {@code to} label of CoreDNS's metrics: {@code host:port} without the scheme, IPv6 in
   * brackets ({@code [::1]:53}).
   */
  String label() {
    String host = address.getAddress().getHostAddress();
    if (address.getAddress() instanceof Inet6Address) {
      int zone = host.indexOf('%');
      host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
    }
    return host + ":" + address.getPort();
  }

  @Override
  public String toString() {
    return (tls ? "tls://" : "") + label();
  }
}
