package dev.corvus.dns.plugin.quic;

import dev.corvus.dns.api.plugin.Plugin;

/**
 * The {@code quic} directive of a server block: options of its DNS-over-QUIC listener.
 *
 * @param maxStreams concurrent streams (queries) per connection
 * @param workerPoolSize streams being processed at once across all connections; more wait
 */
public record QuicSettings(int maxStreams, int workerPoolSize) implements Plugin {

  /** CoreDNS's README defaults: 256 streams per connection, 512 workers. */
  public static final QuicSettings DEFAULTS = new QuicSettings(256, 512);
}
