package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.metrics.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The TCP or TLS connections to one upstream. A query goes on an open connection that has room
 * for more pipelined queries (a connection cache hit), otherwise on a new one (a miss). Idle
 * connections close after {@code expire}.
 */
final class StreamConnectionPool {

  /** Queries pipelined on one connection before another is opened. */
  static final int MAX_PIPELINED = 64;

  private static final int MAX_FRAME = 65535;

  private final Upstream upstream;
  private final UpstreamClient client;
  private final UpstreamProtocol protocol;
  private final SslContext sslContext;
  private final Optional<String> serverName;
  private final Duration expire;
  private final Counter.Child hits;
  private final Counter.Child misses;
  private final List<StreamConnection> connections = new ArrayList<>();
  private boolean closed;

  StreamConnectionPool(
      Upstream upstream,
      UpstreamClient client,
      UpstreamProtocol protocol,
      SslContext sslContext,
      Optional<String> serverName,
      Duration expire,
      ForwardMetrics metrics) {
    this.upstream = upstream;
    this.client = client;
    this.protocol = protocol;
    this.sslContext = sslContext;
    this.serverName = serverName;
    this.expire = expire;
    this.hits = metrics.connCacheHits.labels(ForwardMetrics.PROXY_NAME, upstream.label(), protocol.label());
    this.misses = metrics.connCacheMisses.labels(ForwardMetrics.PROXY_NAME, upstream.label(), protocol.label());
  }

  /**
   * Sends one query; the answer or failure completes {@code result}.
   *
   * @param timeoutNanos the read timeout, from the moment the query is written
   * @param connectNanos how long opening a new connection may take
   * @param counted whether the connection cache hit or miss is counted (not for explanations)
   */
  void send(
      byte[] wire,
      Record question,
      CompletableFuture<Message> result,
      long timeoutNanos,
      long connectNanos,
      boolean counted) {
    StreamConnection connection;
    boolean reused;
    synchronized (this) {
      if (closed) {
        result.completeExceptionally(new UpstreamException(upstream.label() + ": forwarder stopped"));
        return;
      }
      connection = reusable();
      reused = connection != null;
      if (connection == null) {
        connection = open(connectNanos);
        connections.add(connection);
      }
    }
    if (counted) {
      (reused ? hits : misses).inc();
    }
    connection.send(wire, question, result, reused, timeoutNanos);
  }

  private StreamConnection reusable() {
    StreamConnection best = null;
    for (int i = connections.size() - 1; i >= 0; i--) {
      StreamConnection connection = connections.get(i);
      if (!connection.isOpen()) {
        connections.remove(i);
      } else if (connection.inFlight() < MAX_PIPELINED && (best == null || connection.inFlight() < best.inFlight())) {
        best = connection;
      }
    }
    return best;
  }

  private StreamConnection open(long timeoutNanos) {
    StreamConnection connection = new StreamConnection(upstream, client, expire.isZero());
    ChannelFuture connect =
        client.connect(
            upstream.address().address(),
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel channel) {
                if (protocol == UpstreamProtocol.TLS) {
                  channel.pipeline().addLast(sslHandler(channel, connection));
                }
                if (!expire.isZero()) {
                  channel
                      .pipeline()
                      .addLast(new IdleStateHandler(0, 0, expire.toNanos(), TimeUnit.NANOSECONDS));
                }
                channel
                    .pipeline()
                    .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME + 2, 0, 2, 0, 2))
                    .addLast(new LengthFieldPrepender(2))
                    .addLast(connection);
              }
            },
            timeoutNanos);
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            connection.connectFailed(f.cause());
          }
        });
    return connection;
  }

  private SslHandler sslHandler(Channel channel, StreamConnection connection) {
    String peer = serverName.orElse(upstream.address().address().getAddress().getHostAddress());
    SslHandler handler = sslContext.newHandler(channel.alloc(), peer, upstream.address().address().getPort());
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    // Verify the certificate against the server name (or the IP when none is configured), as
    // Go's crypto/tls does for CoreDNS.
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    handler
        .handshakeFuture()
        .addListener(
            f -> {
              if (f.isSuccess()) {
                connection.handshakeDone(channel);
              } else {
                connection.connectFailed(f.cause());
                channel.close();
              }
            });
    return handler;
  }

  /** Closes every connection; later queries fail. */
  void close() {
    List<StreamConnection> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(connections);
      connections.clear();
    }
    for (StreamConnection connection : open) {
      connection.ready().thenAccept(connection::close);
    }
  }
}
