package dev.corvus.dns.plugin.forward;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The UDP sockets one event loop uses for one upstream: a few long-lived sockets, each on its own
 * random ephemeral port, a query going to one of them at random. A socket is replaced after
 * {@link UdpSocketPool#MAX_USES} queries or {@link UdpSocketPool#MAX_AGE}, so the source ports
 * keep changing (RFC 5452 §9.2) while the cost of binding is paid once per many queries.
 * Confined to its event loop.
 */
final class UdpLoopSockets {

  private static final int RANDOM_BATCH = 512;

  private final UdpSocketPool pool;
  private final Upstream upstream;
  private final UpstreamClient client;
  private final EventLoop loop;
  private final UdpSocket[] sockets = new UdpSocket[UdpSocketPool.SOCKETS_PER_LOOP];
  /** The sockets in slots and the retired ones still waiting for answers. */
  private final Set<UdpSocket> open = new HashSet<>();
  private final byte[] random = new byte[RANDOM_BATCH];
  private int randomIndex = RANDOM_BATCH;

  UdpLoopSockets(UdpSocketPool pool, Upstream upstream, UpstreamClient client, EventLoop loop) {
    this.pool = pool;
    this.upstream = upstream;
    this.client = client;
    this.loop = loop;
  }

  /** Sends one query on one of the sockets, opening or replacing it as needed. */
  void send(byte[] wire, Record question, long timeoutNanos, CompletableFuture<Message> result) {
    if (pool.isClosed()) {
      result.completeExceptionally(new UpstreamException(upstream.label() + ": forward stopped"));
      return;
    }
    long now = System.nanoTime();
    int slot = ThreadLocalRandom.current().nextInt(sockets.length);
    UdpSocket socket = sockets[slot];
    if (socket == null || !socket.takesQueries(now, UdpSocketPool.MAX_USES, UdpSocketPool.MAX_AGE.toNanos())) {
      if (socket != null) {
        socket.retire();
      }
      socket = UdpSocket.open(upstream, this, client, loop, now);
      sockets[slot] = socket;
      open.add(socket);
    }
    socket.send(wire, question, timeoutNanos, result);
  }

  /**
   * An unpredictable 16-bit query ID (RFC 5452 §9.2), from a buffer of secure random bytes
   * refilled in batches so that a query does not pay for a call into the system's generator.
   */
  int randomId() {
    if (randomIndex >= RANDOM_BATCH) {
      client.randomBytes(random);
      randomIndex = 0;
    }
    int id = ((random[randomIndex] & 0xff) << 8) | (random[randomIndex + 1] & 0xff);
    randomIndex += 2;
    return id;
  }

  /** The queries waiting on all of this loop's sockets, the retired ones included. */
  int waiting() {
    int waiting = 0;
    for (UdpSocket socket : open) {
      waiting += socket.waiting();
    }
    return waiting;
  }

  /** A socket closed or failed: the next query in its slot opens a new one. */
  void forget(UdpSocket socket) {
    open.remove(socket);
    for (int i = 0; i < sockets.length; i++) {
      if (sockets[i] == socket) {
        sockets[i] = null;
      }
    }
  }

  /** Fails the waiting queries and closes every socket. */
  void close() {
    Arrays.fill(sockets, null);
    List<UdpSocket> closing = new ArrayList<>(open);
    open.clear();
    for (UdpSocket socket : closing) {
      socket.close(new UpstreamException(upstream.label() + ": forward stopped"));
    }
  }
}
