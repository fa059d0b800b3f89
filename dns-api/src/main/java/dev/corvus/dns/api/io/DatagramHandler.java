package dev.corvus.dns.api.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives what happens on a {@link DatagramConnection}; every call runs on its loop. */
public interface DatagramHandler {

  /**
   * A datagram from the connected address.
   *
   * @param datagram the bytes from position to limit; valid during this call only
   */
  void received(ByteBuffer datagram);

  /**
   * The socket failed: it could not be bound, or the kernel reported an error for the remote.
   * Nobody listening on the remote's port (ICMP port unreachable) arrives as a {@link
   * java.net.PortUnreachableException}, an unreachable host or network as a {@link
   * java.net.NoRouteToHostException}; anything else as another {@link IOException}. The socket is
   * closed right after this call; {@link #closed} follows.
   */
  void failed(IOException cause);

  /** The socket is closed, by {@link DatagramConnection#close()} or after a failure. */
  void closed();
}
