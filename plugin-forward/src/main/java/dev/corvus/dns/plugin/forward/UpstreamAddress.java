package dev.corvus.dns.plugin.forward;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream server as configured: its address, the protocol it speaks (plain DNS, DNS over
 * TLS, DNS over HTTPS), and the TLS server name given with it ({@code tls://9.9.9.9%dns.quad9.net},
 * {@code https://9.9.9.9%dns.quad9.net}).
 *
 * <p>Two upstreams are the same when their address and protocol are: the server name does not
 * make another one, as CoreDNS keeps the first of two {@code TO}s naming one address.
 *
 * @param address the server's IP address and port
 * @param scheme how queries travel: plain UDP/TCP, TLS (RFC 7858) or HTTPS (RFC 8484)
 * @param serverName its own TLS server name ({@code %NAME}): for {@code tls://} the name its
 *     certificate is verified against (and sent as SNI) instead of {@code tls_servername}'s, for
 *     {@code https://} only when there is no {@code tls_servername} ({@link
 *     ForwardConfig#serverNameFor}); empty for the directive's TLS settings, and for plain DNS
 */
record UpstreamAddress(InetSocketAddress address, UpstreamScheme scheme, Optional<String> serverName) {

  UpstreamAddress {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(serverName, "serverName");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("upstream address must be an IP literal: " + address);
    }
    if (!scheme.encrypted() && serverName.isPresent()) {
      throw new IllegalArgumentException("a TLS server name needs a tls:// or https:// upstream");
    }
  }

  /** A plain DNS ({@code tls} false) or DNS over TLS upstream with its own server name, if any. */
  UpstreamAddress(InetSocketAddress address, boolean tls, Optional<String> serverName) {
    this(address, tls ? UpstreamScheme.TLS : UpstreamScheme.DNS, serverName);
  }

  /** A plain DNS or DNS over TLS upstream with the directive's TLS settings. */
  UpstreamAddress(InetSocketAddress address, boolean tls) {
    this(address, tls, Optional.empty());
  }

  /** Whether queries go over DNS over TLS (RFC 7858). */
  boolean tls() {
    return scheme == UpstreamScheme.TLS;
  }

  /** Whether queries go over DNS over HTTPS (RFC 8484). */
  boolean https() {
    return scheme == UpstreamScheme.HTTPS;
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
  public boolean equals(Object other) {
    return other instanceof UpstreamAddress that && address.equals(that.address) && scheme == that.scheme;
  }

  @Override
  public int hashCode() {
    return address.hashCode() * 31 + scheme.hashCode();
  }

  @Override
  public String toString() {
    return (scheme == UpstreamScheme.DNS ? "" : scheme.schemeName() + "://") + label();
  }
}
