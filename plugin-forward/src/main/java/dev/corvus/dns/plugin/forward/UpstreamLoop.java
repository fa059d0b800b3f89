package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Record;

/**
 * What one I/O loop keeps for one upstream: its UDP sockets, its TCP or TLS connections and the
 * query IDs it draws. A query answered on the loop it arrived on reaches the client without a
 * change of threads, and nothing here needs a lock: it is created on first use by its loop and
 * touched only there.
 */
final class UpstreamLoop {

  private final Upstream upstream;
  private final IoLoop loop;
  private final Ticker ticker;
  private final ForwardConfig config;
  private final QueryIds ids;
  private final UdpLoopSockets udp;
  private final StreamConnectionPool streams;
  private boolean closed;

  UpstreamLoop(Upstream upstream, IoLoop loop, Ticker ticker, ForwardConfig config, QueryIds ids,
      ForwardMetrics metrics) {
    this.upstream = upstream;
    this.loop = loop;
    this.ticker = ticker;
    this.config = config;
    this.ids = ids;
    this.udp = new UdpLoopSockets(this);
    UpstreamProtocol streamProtocol = upstream.address().tls() ? UpstreamProtocol.TLS : UpstreamProtocol.TCP;
    this.streams =
        new StreamConnectionPool(
            this,
            metrics.connCacheHits.labels(ForwardMetrics.PROXY_NAME, upstream.label(), streamProtocol.label()),
            metrics.connCacheMisses.labels(ForwardMetrics.PROXY_NAME, upstream.label(), streamProtocol.label()));
  }

  Upstream upstream() {
    return upstream;
  }

  IoLoop loop() {
    return loop;
  }

  Ticker ticker() {
    return ticker;
  }

  ForwardConfig config() {
    return config;
  }

  QueryIds ids() {
    return ids;
  }

  /**
   * Sends one query over {@code protocol} and completes {@code result} with the matching answer
   * or an {@link UpstreamException}.
   *
   * @param timeoutNanos how long to wait for the answer once the query is sent
   * @param budgetNanos how long a TCP/TLS exchange may take, connection setup included
   */
  void exchange(byte[] wire, Record question, UpstreamProtocol protocol, long timeoutNanos, long budgetNanos,
      Purpose purpose, CompletableFuture<UpstreamAnswer> result) {
    if (closed) {
      result.completeExceptionally(new UpstreamException(upstream.label() + ": forward stopped"));
      return;
    }
    if (protocol == UpstreamProtocol.UDP) {
      udp.send(wire, question, timeoutNanos, purpose, result);
    } else {
      streams.send(wire, question, result, timeoutNanos, Math.max(timeoutNanos, budgetNanos), purpose);
    }
  }

  /** The queries waiting for an answer on this loop's UDP sockets. */
  int waitingUdp() {
    return udp.waiting();
  }

  /** The UDP sockets open on this loop, retired ones included. */
  int openUdpSockets() {
    return udp.openSockets();
  }

  /** Fails every waiting query and closes every socket and connection. */
  void close() {
    closed = true;
    UpstreamException stopped = new UpstreamException(upstream.label() + ": forward stopped");
    udp.close(stopped);
    streams.close(stopped);
  }
}
