package dev.corvus.dns.plugin.https3;

import dev.corvus.dns.api.plugin.Plugin;

/**
 * The {@code https3} directive of a server block: options of its DNS-over-HTTP/3 listener.
 *
 * @param maxStreams concurrent request streams per connection; 0 for QUIC's default (100 here)
 * @param maxConnections open connections at most; 0 for no limit
 */
public record Https3Settings(int maxStreams, int maxConnections) implements Plugin {

  /** CoreDNS's defaults: 256 streams, 200 connections. */
  public static final Https3Settings DEFAULTS = new Https3Settings(256, 200);
}
