package dev.corvus.dns.plugin.grpcserver;

import dev.corvus.dns.api.plugin.Plugin;

/**
 * The {@code grpc_server} directive of a server block: limits of its DNS-over-gRPC listener.
 *
 * @param maxStreams concurrent calls (HTTP/2 streams) per connection at most; 0 for no limit
 * @param maxConnections concurrent connections accepted at most; 0 for no limit
 */
public record GrpcServerSettings(int maxStreams, int maxConnections) implements Plugin {

  /** CoreDNS's {@code DefaultGRPCMaxStreams}. */
  public static final int DEFAULT_MAX_STREAMS = 256;

  /** CoreDNS's {@code DefaultGRPCMaxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 200;

  /** The settings of a block without the directive. */
  public static final GrpcServerSettings DEFAULTS = new GrpcServerSettings(DEFAULT_MAX_STREAMS, DEFAULT_MAX_CONNECTIONS);
}
