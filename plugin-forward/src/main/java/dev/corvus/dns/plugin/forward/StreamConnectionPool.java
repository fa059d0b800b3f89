package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.io.StreamOptions;
import dev.corvus.dns.api.metrics.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Record;

/**
 * The TCP or TLS connections one loop keeps to one upstream. A query goes on an open connection
 * that has room for more pipelined queries (a connection cache hit), otherwise on a new one (a
 * miss). Idle connections close after {@code expire}; a connection older than {@code max_age} is
 * retired when a query would take it, as CoreDNS does not reuse it. Confined to its loop.
 */
final class StreamConnectionPool {

  /** Queries pipelined on one connection before another is opened. */
  static final int MAX_PIPELINED = 64;

  private final UpstreamLoop link;
  private final Counter.Child hits;
  private final Counter.Child misses;
  private final List<PipelinedConnection> connections = new ArrayList<>();

  StreamConnectionPool(UpstreamLoop link, Counter.Child hits, Counter.Child misses) {
    this.link = link;
    this.hits = hits;
    this.misses = misses;
  }

  /**
   * Sends one query; the answer or failure completes {@code result}.
   *
   * @param timeoutNanos the read timeout, from the moment the connection is up
   * @param budgetNanos how long connecting and answering may take together
   */
  void send(byte[] wire, Record question, CompletableFuture<UpstreamAnswer> result, long timeoutNanos,
      long budgetNanos, Purpose purpose) {
    long now = link.ticker().read();
    PipelinedConnection connection = reusable(now);
    boolean reused = connection != null;
    if (purpose.countsConnections()) {
      (reused ? hits : misses).inc();
    }
    if (connection == null) {
      connection = new PipelinedConnection(link, this, link.config().expire().toNanos(), now);
      connections.add(connection);
      connection.open(
          new StreamOptions(Duration.ofNanos(Math.max(1, budgetNanos)), Duration.ZERO, link.upstream().tls()));
    }
    connection.send(wire, question, result, purpose, reused, timeoutNanos, budgetNanos);
  }

  private PipelinedConnection reusable(long now) {
    long maxAge = link.config().maxAge().toNanos();
    PipelinedConnection best = null;
    for (int i = connections.size() - 1; i >= 0; i--) {
      PipelinedConnection connection = connections.get(i);
      if (maxAge > 0 && connection.isOpen() && now - connection.openedNanos() >= maxAge) {
        // Retiring may close it at once, which removes it from the list: iterate backwards.
        connection.retire();
        continue;
      }
      if (connection.isOpen()
          && connection.inFlight() < MAX_PIPELINED
          && (best == null || connection.inFlight() < best.inFlight())) {
        best = connection;
      }
    }
    return best;
  }

  /** A connection closed: it takes no more queries. */
  void forget(PipelinedConnection connection) {
    connections.remove(connection);
  }

  /** Closes every connection, failing their pending queries with {@code error}. */
  void close(UpstreamException error) {
    List<PipelinedConnection> open = new ArrayList<>(connections);
    connections.clear();
    for (PipelinedConnection connection : open) {
      connection.close(error);
    }
  }
}
