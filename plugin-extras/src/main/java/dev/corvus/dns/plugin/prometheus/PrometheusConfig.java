package dev.corvus.dns.plugin.prometheus;

import java.net.InetSocketAddress;

/**
 * The {@code prometheus [ADDRESS]} directive's configuration.
 *
 * @param address where {@code /metrics} is served; CoreDNS's {@code localhost:9153} by default
 */
public record PrometheusConfig(InetSocketAddress address) {

  /** CoreDNS's default port. */
  public static final int DEFAULT_PORT = 9153;

  /** CoreDNS's default address, {@code localhost:9153}. */
  public static InetSocketAddress defaultAddress() {
    return new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), DEFAULT_PORT);
  }
}
