package dev.corvus.dns.plugin.forward;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Record;

/**
 * The UDP sockets one loop uses for one upstream: a few long-lived sockets, each on its own
 * random ephemeral port, a query going to one of them at random. A socket is replaced after
 * {@link #MAX_USES} queries or {@link #MAX_AGE} (by the plugin's ticker), so the source ports keep
 * changing (RFC 5452 §9.2) while the cost of binding is paid once per many queries ({@code max_age},
 * when shorter than {@link #MAX_AGE}, replaces them sooner). A socket that
 * failed (the upstream's port unreachable) leaves its slot to a new one. Confined to its loop.
 */
final class UdpLoopSockets {

  /** Sockets per loop and upstream; a query picks one at random. */
  static final int SOCKETS_PER_LOOP = 4;
  /** Queries a socket carries before it is replaced by one on a new random port. */
  static final int MAX_USES = 8192;
  /** How long a socket takes new queries before it is replaced, however few it carried. */
  static final Duration MAX_AGE = Duration.ofSeconds(10);

  private final UpstreamLoop link;
  /** {@link #MAX_AGE}, or {@code max_age} when that is shorter. */
  private final long maxAgeNanos;
  private final UdpSocket[] sockets = new UdpSocket[SOCKETS_PER_LOOP];
  /** The sockets in slots and the retired ones still waiting for answers. */
  private final Set<UdpSocket> open = new HashSet<>();

  UdpLoopSockets(UpstreamLoop link) {
    this.link = link;
    Duration maxAge = link.config().maxAge();
    this.maxAgeNanos = maxAge.isZero() ? MAX_AGE.toNanos() : Math.min(MAX_AGE.toNanos(), maxAge.toNanos());
  }

  /** Sends one query on one of the sockets, opening or replacing it as needed. */
  void send(byte[] wire, Record question, long timeoutNanos, Purpose purpose, CompletableFuture<UpstreamAnswer> result) {
    long now = link.ticker().read();
    int slot = ThreadLocalRandom.current().nextInt(sockets.length);
    UdpSocket socket = sockets[slot];
    if (socket == null || !socket.takesQueries(now, MAX_USES, maxAgeNanos)) {
      if (socket != null) {
        socket.retire();
      }
      socket = new UdpSocket(link, this, now);
      sockets[slot] = socket;
      open.add(socket);
      socket.open();
    }
    socket.send(wire, question, timeoutNanos, purpose, result);
  }

  /** The queries waiting on all of this loop's sockets, the retired ones included. */
  int waiting() {
    int waiting = 0;
    for (UdpSocket socket : open) {
      waiting += socket.waiting();
    }
    return waiting;
  }

  /** The sockets open now, retired ones included. */
  int openSockets() {
    return open.size();
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

  /** Fails the waiting queries with {@code error} and closes every socket. */
  void close(UpstreamException error) {
    Arrays.fill(sockets, null);
    List<UdpSocket> closing = new ArrayList<>(open);
    open.clear();
    for (UdpSocket socket : closing) {
      socket.close(error);
    }
  }
}
