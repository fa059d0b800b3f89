package dev.corvus.dns.api.io;

import java.net.InetSocketAddress;

/**
 * A TCP or TLS connection carrying length-prefixed DNS messages (see {@link IoLoop#connect}).
 * Used from its loop only.
 */
public interface StreamConnection {

  /** The address connected to. */
  InetSocketAddress remote();

  /**
   * Sends one DNS message; the connection adds its two-byte length. Sent at once when the
   * connection is up, else when it comes up (or never, when it fails: the handler is told).
   *
   * @param message the message, at most 65,535 bytes; not copied
   */
  void send(byte[] message);

  /** Whether the connection is up or coming up, and takes sends. */
  boolean isOpen();

  /** Closes the connection; the handler is told with {@link StreamHandler#closed}. */
  void close();
}
