package dev.corvus.dns.api.io;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One I/O thread of the server: an executor, timers, and sockets whose callbacks all run on this
 * thread. Sockets opened here must be used from here ({@link #inLoop()}); hand work over with
 * {@link #execute}. A plugin must never block this thread.
 */
public interface IoLoop extends Executor {

  /** Whether the calling thread is this loop's thread. */
  boolean inLoop();

  /**
   * Runs {@code task} on this loop after {@code delayNanos}.
   *
   * @return a handle to cancel the task before it runs
   */
  Scheduled schedule(Runnable task, long delayNanos);

  /**
   * Opens a UDP socket on a random ephemeral port (the kernel picks it: with a random query ID,
   * RFC 5452's defence against forged answers), connected to {@code remote}: the kernel delivers
   * only {@code remote}'s datagrams and reports ICMP errors for it (port unreachable: nobody
   * listens), which arrive at {@link DatagramHandler#failed} at once instead of as a timeout. Sends
   * made before the socket is bound wait for it. Call on this loop. When binding fails at once,
   * the handler is told ({@code failed}, then {@code closed}) before this method returns.
   */
  default DatagramConnection openDatagram(InetSocketAddress remote, DatagramHandler handler) {
    return openDatagram(remote, Optional.empty(), handler);
  }

  /**
   * Opens a TCP connection (with TLS when {@code options} say so) to {@code remote} carrying DNS
   * messages with the two-byte length prefix of RFC 1035 §4.2.2, which the connection adds and
   * strips. Sends made before the connection (and its handshake) is up wait for it. Call on this
   * loop. When connecting fails at once, the handler's {@code closed} is called before this method
   * returns.
   */
  default StreamConnection connect(InetSocketAddress remote, StreamOptions options, StreamHandler handler) {
    return connect(remote, Optional.empty(), options, handler);
  }

  /**
   * {@link #openDatagram(InetSocketAddress, DatagramHandler)} from a given local address: the
   * socket is bound to {@code local} (still on a random ephemeral port) instead of the wildcard
   * address, for a forwarder's {@code source_address}. When {@code local} cannot be bound (not an
   * address of this host, or not of {@code remote}'s family) the handler is told as for any
   * failure to bind: {@code failed} with the {@link java.net.BindException} or other {@link
   * java.io.IOException}, then {@code closed}.
   *
   * @param local the address to send from; empty for the wildcard address, which is the same as
   *     the two-argument method
   */
  DatagramConnection openDatagram(InetSocketAddress remote, Optional<InetAddress> local, DatagramHandler handler);

  /**
   * {@link #connect(InetSocketAddress, StreamOptions, StreamHandler)} from a given local address:
   * the connection's socket is bound to {@code local} (on an ephemeral port) before connecting,
   * for a forwarder's {@code source_address}. When {@code local} cannot be bound the handler's
   * {@code closed} is called with the cause.
   *
   * @param local the address to connect from; empty for the one the kernel picks, which is the
   *     same as the three-argument method
   */
  StreamConnection connect(
      InetSocketAddress remote, Optional<InetAddress> local, StreamOptions options, StreamHandler handler);

  /** A task scheduled on a loop. */
  interface Scheduled {
    /** Cancels the task unless it ran already; harmless after it ran. */
    void cancel();
  }
}
