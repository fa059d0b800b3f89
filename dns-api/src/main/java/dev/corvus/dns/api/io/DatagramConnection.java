package dev.corvus.dns.api.io;

import java.net.InetSocketAddress;

/**
 * A connected UDP socket on an {@link IoLoop} (see {@link IoLoop#openDatagram}). Used from its
 * loop only.
 */
public interface DatagramConnection {

  /** The address the socket is connected to. */
  InetSocketAddress remote();

  /**
   * Sends one datagram. Datagrams sent while the loop handles a batch of events leave together
   * (one {@code sendmmsg} with epoll) when the batch ends.
   *
   * @param datagram the bytes; not copied, so they must not change afterwards
   */
  void send(byte[] datagram);

  /**
   * The longest datagram received whole; a longer one arrives cut to this length, and a DNS
   * client should treat it as truncated.
   */
  int maxReceive();

  /** Whether the socket is open (or still being bound) and takes sends. */
  boolean isOpen();

  /** Closes the socket; the handler is told with {@link DatagramHandler#closed}. */
  void close();
}
