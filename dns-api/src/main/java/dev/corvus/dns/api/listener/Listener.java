package dev.corvus.dns.api.listener;

import java.net.InetSocketAddress;

/** A bound listener made by a {@link ListenerFactory}. */
public interface Listener extends AutoCloseable {

  /** The bound address (the real port when port 0 was asked for). */
  InetSocketAddress boundAddress();

  /**
   * Stops taking new queries (shutdown has begun); answers to queries in flight can still be
   * sent until {@link #close()}.
   */
  void stopReading();

  /** Closes the listener and its connections. */
  @Override
  void close();
}
