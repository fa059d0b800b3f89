package dev.corvus.dns.server.transport;

import java.net.InetSocketAddress;

/** A listener the runtime manages: the server's own DNS/TLS sockets or a listener plugin's. */
public interface BoundListener extends AutoCloseable {

  /** The key it serves. */
  ListenerKey key();

  /** Serves {@code table} from the next query on. */
  void swap(RouteTable table);

  /** The bound UDP address, or {@code null} when it has no UDP socket. */
  InetSocketAddress udpAddress();

  /** The bound stream (TCP, TLS, HTTPS...) address, or {@code null} when it has none. */
  InetSocketAddress streamAddress();

  /** Stops taking queries; answers in flight can still be sent until {@link #close}. */
  void stopReading();

  @Override
  void close();
}
