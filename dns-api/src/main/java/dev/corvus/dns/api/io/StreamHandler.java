package dev.corvus.dns.api.io;

import java.nio.ByteBuffer;

/** Receives what happens on a {@link StreamConnection}; every call runs on its loop. */
public interface StreamHandler {

  /** The connection, and its TLS handshake when there is one, is established. */
  default void connected() {}

  /**
   * One whole DNS message, its length prefix removed.
   *
   * @param message the bytes from position to limit; valid during this call only
   */
  void received(ByteBuffer message);

  /**
   * The connection is closed: by {@link StreamConnection#close()}, by the peer, after the idle
   * timeout, or because connecting or the handshake failed. Called once.
   *
   * @param cause why, or {@code null} for an orderly close
   */
  void closed(Throwable cause);
}
