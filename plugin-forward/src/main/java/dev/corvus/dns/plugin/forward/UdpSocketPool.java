package dev.corvus.dns.plugin.forward;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The UDP transport of one upstream: long-lived sockets shared by many queries, one small set per
 * event loop. A query sent from a Netty event loop of the plugin's transport (the server's I/O
 * thread answering a client) uses that loop's sockets, so the query, its answer and the reply to
 * the client never change threads; a query from any other thread (health checks) runs on the
 * plugin's own loops.
 */
final class UdpSocketPool {

  /** Sockets per event loop and upstream; a query picks one at random. */
  static final int SOCKETS_PER_LOOP = 4;
  /** Queries a socket carries before it is replaced by one on a new random port. */
  static final int MAX_USES = 8192;
  /** How long a socket takes new queries before it is replaced, however few it carried. */
  static final Duration MAX_AGE = Duration.ofSeconds(10);

  private final Upstream upstream;
  private final UpstreamClient client;
  private final ConcurrentMap<EventLoop, UdpLoopSockets> loops = new ConcurrentHashMap<>();
  private volatile boolean closed;

  UdpSocketPool(Upstream upstream, UpstreamClient client) {
    this.upstream = upstream;
    this.client = client;
  }

  /**
   * Sends {@code wire} (its ID replaced by a random one) and completes with the matching answer,
   * or exceptionally with {@link UpstreamException.Timeout} after {@code timeoutNanos}.
   */
  CompletableFuture<Message> send(byte[] wire, Record question, long timeoutNanos) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    EventLoop caller = client.callerLoop();
    if (caller != null) {
      socketsOf(caller).send(wire, question, timeoutNanos, result);
      return result;
    }
    EventLoop loop = client.nextLoop();
    UdpLoopSockets sockets = socketsOf(loop);
    try {
      loop.execute(() -> sockets.send(wire, question, timeoutNanos, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new UpstreamException(upstream.label() + ": forward stopped", e));
    }
    return result;
  }

  /**
   * The queries waiting for an answer on all sockets, counted on each socket's event loop; an
   * answer or a timeout removes a query, so this falls back to zero when the upstream is idle.
   */
  int waiting() throws InterruptedException, ExecutionException {
    int waiting = 0;
    for (Map.Entry<EventLoop, UdpLoopSockets> entry : loops.entrySet()) {
      waiting += entry.getKey().submit(entry.getValue()::waiting).get();
    }
    return waiting;
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes every socket, failing the queries still waiting. */
  void close() {
    closed = true;
    loops.forEach(
        (loop, sockets) -> {
          try {
            loop.execute(sockets::close);
          } catch (RejectedExecutionException e) {
            // The loop has shut down and closed its channels already.
          }
        });
  }

  private UdpLoopSockets socketsOf(EventLoop loop) {
    UdpLoopSockets sockets = loops.get(loop);
    return sockets != null
        ? sockets
        : loops.computeIfAbsent(loop, l -> new UdpLoopSockets(this, upstream, client, l));
  }
}
