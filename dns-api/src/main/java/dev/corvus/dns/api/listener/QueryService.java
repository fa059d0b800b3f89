package dev.corvus.dns.api.listener;

import dev.corvus.dns.api.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The server's query path as a listener uses it: bytes in, bytes out. It parses the query, routes
 * it to the server block of the configuration being served, runs the chain, and encodes the
 * response (for a datagram transport truncated to the client's payload size). Malformed input
 * gets FORMERR or is dropped and counted; nothing a client sends makes it throw.
 */
public interface QueryService {

  /**
   * Runs one query. May answer before it returns (answers from memory) or later, from any thread.
   *
   * @param wire the query, from its position to its limit; read only during this call
   * @param client the client's address (for acl, view, logs)
   * @param transport how the query arrived, e.g. {@link Transport#HTTPS}
   * @param sink receives the response exactly once
   */
  void query(ByteBuffer wire, InetSocketAddress client, Transport transport, ResponseSink sink);

  /**
   * Runs one query that arrived on {@code local}, the server's address and port the client sent
   * it to (the connection's local address), which handlers see as {@link
   * dev.corvus.dns.api.Request#localAddress()} (view's {@code server_ip()}). A listener that knows
   * it calls this; the server's query path given by {@code query} without it reports the
   * listener's bound address. This default, for other implementations, drops {@code local}.
   *
   * @param wire the query, from its position to its limit; read only during this call
   * @param client the client's address (for acl, view, logs)
   * @param local the server's address the query arrived on
   * @param transport how the query arrived, e.g. {@link Transport#HTTPS}
   * @param sink receives the response exactly once
   */
  default void query(ByteBuffer wire, InetSocketAddress client, InetSocketAddress local, Transport transport,
      ResponseSink sink) {
    query(wire, client, transport, sink);
  }

  /**
   * The PROXY protocol for a connection (or the datagrams) from {@code peer}, when a server block
   * served on this address has {@code proxyproto} and its policy does not skip the peer. Ask once
   * per connection, when it is accepted: a reload applies to the connections accepted after it.
   * This default, for other implementations: none.
   *
   * @param peer the connection's remote address (a load balancer's, when there is one)
   * @return the peer's PROXY protocol, or empty when none is read from it
   */
  default Optional<ProxyProtocol> proxyProtocol(InetSocketAddress peer) {
    return Optional.empty();
  }

  /** Receives the response to one query. */
  interface ResponseSink {
    /** The encoded response, to send to the client as it is. */
    void respond(byte[] wire);

    /**
     * No response: the query was dropped (malformed beyond a header, refused by policy, shed under
     * load). A transport whose client waits for an answer closes the stream or answers with its
     * own error.
     */
    void drop();
  }
}
