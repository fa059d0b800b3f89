package dev.corvus.dns.plugin.ready;

import java.net.InetSocketAddress;

/**
 * The {@code ready [ADDRESS] { monitor until-ready|continuously }} directive's configuration.
 *
 * @param address where {@code /ready} is served; {@code :8181} by default
 * @param monitor whether readiness is checked again after the first success
 */
public record ReadyConfig(InetSocketAddress address, Monitor monitor) {

  /** CoreDNS's default port. */
  public static final int DEFAULT_PORT = 8181;

  /** CoreDNS's {@code monitor} option. */
  public enum Monitor {
    /** Once everything was ready, only a shutdown makes {@code /ready} fail again. */
    UNTIL_READY,
    /** Every request asks every provider again. */
    CONTINUOUSLY
  }
}
