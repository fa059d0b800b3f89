package dev.corvus.dns.plugin.grpcserver;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.grpc.pb.DnsService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * A bound {@code grpc://} listener: grpc-java's Netty server on its own event loops, calls run on
 * those loops ({@code directExecutor}: a query answered from memory never changes threads).
 * Limits: CoreDNS's (a {@code DnsPacket} of at most 65,539 bytes, else {@code RESOURCE_EXHAUSTED};
 * {@code max_streams} calls per connection, {@code max_connections} connections) and, as the
 * other encrypted listeners, 5 s for the TLS handshake, 8 KiB of headers, and a connection idle
 * for {@link #MAX_IDLE} is closed (with a GOAWAY, which gRPC clients follow by reconnecting when
 * they next call). With the block's {@code proxyproto}, a connection's PROXY header is read first
 * ({@link ProxyHeaders}) and names the client of its calls.
 */
final class GrpcListener implements Listener {

  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  static final Duration MAX_IDLE = Duration.ofMinutes(5);
  private static final int MAX_HEADERS = 8192;

  /**
   * grpc-java logs a warning with a stack trace for each message over the size limit: a client's
   * fault, counted as {@code RESOURCE_EXHAUSTED}, that must not let a client fill the log. Held
   * here, since the JDK keeps loggers only weakly.
   */
  private static final Logger OVERSIZED_MESSAGES = Logger.getLogger("io.grpc.netty.NettyServerStream");

  static {
    OVERSIZED_MESSAGES.setLevel(Level.SEVERE);
  }

  private final Server server;
  private final LoopGroups loops;

  private GrpcListener(Server server, LoopGroups loops) {
    this.server = server;
    this.loops = loops;
  }

  static GrpcListener bind(ListenerSpec spec, QueryService queries, GrpcServerSettings settings) throws IOException {
    SslContext tls = spec.tls().isPresent() ? context(spec.tls().get()) : null;
    GrpcMetrics metrics = new GrpcMetrics(spec.metrics(), spec.serverLabel());
    ConnectionLimit limit = new ConnectionLimit(settings.maxConnections(), metrics.rejectedConnections);
    ProxyHeaders proxyHeaders = new ProxyHeaders(queries);
    QueryCall call = new QueryCall(queries, proxyHeaders);
    LoopGroups loops = new LoopGroups("corvus-grpc");
    NettyServerBuilder builder = NettyServerBuilder.forAddress(spec.address())
        .channelFactory(() -> loops.serverChannel(limit, proxyHeaders))
        .bossEventLoopGroup(loops.boss)
        .workerEventLoopGroup(loops.workers)
        .directExecutor()
        .maxInboundMessageSize(DnsService.MAX_PACKET_BYTES)
        .maxInboundMetadataSize(MAX_HEADERS)
        .handshakeTimeout(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionIdle(MAX_IDLE.toMillis(), TimeUnit.MILLISECONDS)
        .addStreamTracerFactory(metrics)
        .addService(ServerInterceptors.intercept(DnsService.definition(ServerCalls.asyncUnaryCall(call)), call));
    if (settings.maxStreams() > 0) {
      builder.maxConcurrentCallsPerConnection(settings.maxStreams());
    }
    if (tls != null) {
      builder.sslContext(tls);
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      loops.stop();
      throw new IOException("cannot listen on " + spec.serverLabel() + ": " + e.getMessage(), e);
    }
    return new GrpcListener(server, loops);
  }

  /** A server TLS context offering HTTP/2 by ALPN, as gRPC requires (CoreDNS's NextProtos h2). */
  static SslContext context(TlsFiles files) throws IOException {
    try {
      SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder
          .forServer(files.certificate().orElseThrow().toFile(), files.key().orElseThrow().toFile()));
      if (files.ca().isPresent()) {
        builder.trustManager(files.ca().get().toFile());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot load the certificate " + files.certificate().orElseThrow() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  @Override
  public void stopReading() {
    // Stops listening and refuses new calls (UNAVAILABLE); calls in flight are answered.
    server.shutdown();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loops.stop();
  }
}
