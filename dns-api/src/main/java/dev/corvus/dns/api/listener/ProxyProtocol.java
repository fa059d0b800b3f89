package dev.corvus.dns.api.listener;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The PROXY protocol (HAProxy's version 1 and 2) for one connection or one peer's datagrams of a
 * listener a plugin provides, as the server blocks' {@code proxyproto} configures it: the server
 * reads the header, applies the policy for the peer ({@code allow}, {@code default}) and counts
 * what it refuses ({@code corvus_proxyproto_refused_total}); the listener skips the header and
 * gives the client it names to {@link QueryService#query} instead of the peer. Obtained from
 * {@link QueryService#proxyProtocol}.
 */
public interface ProxyProtocol {

  /** What the start of a connection, or a datagram, means for the listener. */
  enum Outcome {
    /** The start of a header, not all of it yet: call again with more bytes (streams only). */
    INCOMPLETE,
    /**
     * Serve it: skip {@link Result#headerLength()} bytes (0 when there is no header); {@link
     * Result#client()} is the client when a header named one the policy uses.
     */
    ACCEPT,
    /** Close the connection or drop the datagram: a malformed header, or one the policy refuses. */
    REFUSE
  }

  /**
   * What {@link #readStream} or {@link #readDatagram} found.
   *
   * @param outcome what to do
   * @param headerLength the bytes of the header to skip when {@link Outcome#ACCEPT}
   * @param client the client a used header names; empty: the peer is the client
   */
  record Result(Outcome outcome, int headerLength, Optional<InetSocketAddress> client) {

    /** Checks the fields. */
    public Result {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(client, "client");
      if (headerLength < 0) {
        throw new IllegalArgumentException("headerLength " + headerLength);
      }
    }
  }

  /**
   * Reads the first bytes of a TCP connection (before TLS): a version 1 or 2 header or none. Call
   * it with every byte received so far until the outcome is not {@link Outcome#INCOMPLETE}; a
   * refusal is counted once.
   *
   * @param start the connection's bytes from the start, position to limit; not moved
   */
  Result readStream(ByteBuffer start);

  /**
   * Reads one datagram of a UDP-based protocol (QUIC): as CoreDNS, only a version 2 header naming
   * a UDP client is accepted, before a payload.
   *
   * @param datagram the datagram, position to limit; not moved
   */
  Result readDatagram(ByteBuffer datagram);
}
