package dev.corvus.dns.api;

import dev.corvus.dns.api.io.IoLoop;
import java.util.Iterator;
import java.util.Optional;
import org.xbill.DNS.Message;

/**
 * State that belongs to one query from arrival to the written response, shared by every {@link
 * Request} derived from it with {@link Request#withMessage}. The server implements it; handlers
 * read what the server recorded, pass values to each other ({@link #put}), and ask to learn what
 * was finally sent ({@link #onWritten}). What the server records — who answered, what was written
 * — only the server sets.
 */
public interface QueryContext {

  /**
   * Typed key of an attribute.
   *
   * @param <T> the attribute's type
   * @param name the attribute's name, for debugging
   */
  record Key<T>(String name) {}

  /** Told once about the response the server sent (or did not send) for this query. */
  @FunctionalInterface
  interface ResponseListener {
    /**
     * Called on the I/O thread that wrote the response; must be quick and must not block.
     *
     * @param response the response as sent, or {@code null} when the query was dropped
     * @param wireBytes its size on the wire, 0 when dropped
     */
    void written(Message response, int wireBytes);
  }

  /** {@link System#nanoTime()} (or the server's {@link Ticker}) when the server read the query. */
  long startNanos();

  /**
   * Whether this query is an explanation ({@code corvus explain}) that handlers must run without
   * side effects; see {@link Chain#explaining()}.
   */
  boolean explaining();

  /**
   * Whether the server is at its bound of queries waiting on I/O. Answers from memory are still
   * wanted; a handler about to start I/O (an upstream query, a file read) should instead fail at
   * once with {@link DnsException#shed}, which the server counts as shed load (and answers
   * REFUSED over TCP), so that no memory is committed to a query that would be dropped anyway.
   */
  boolean overloaded();

  /**
   * The directive of the handler that produced the response (CoreDNS's {@code plugin} label of
   * {@code coredns_dns_responses_total}); empty until a handler answered. Set by the server's
   * chain as the response travels back, so a handler reads it after {@code proceed} completed.
   */
  String respondedBy();

  /** The attribute under {@code key}, or {@code null}. */
  <T> T get(Key<T> key);

  /** Stores an attribute for the handlers that run later for this query. */
  <T> void put(Key<T> key, T value);

  /**
   * Asks to be told about the response once the server has written it, with its size on the
   * wire (the {@code log} and {@code prometheus} plugins use this). Listeners run on the I/O
   * thread of the query, in registration order.
   */
  void onWritten(ResponseListener listener);

  /**
   * A metadata value published for this query by a {@link
   * dev.corvus.dns.api.metadata.MetadataProvider} of its server block, e.g. {@code
   * kubernetes/client-namespace}; empty when no provider published the label, or when the block
   * has no {@code metadata} directive (as in CoreDNS, metadata is collected only then).
   *
   * @param label the label without braces or leading slash, e.g. {@code geoip/city/name}
   */
  Optional<String> metadata(String label);

  /**
   * The I/O loop the query arrived on. Work completed there (an upstream exchange on its
   * sockets) answers the client without a change of threads.
   */
  IoLoop loop();

  /**
   * Offers the wire form of {@code response}, which the server then sends (with the query's ID
   * and OPT record patched in) instead of encoding the message again — as long as {@code
   * response} is the message that reaches it and nothing changed it on the way: same header
   * flags, rcode and records, in the same order. Any change, by any handler, makes the server
   * encode the message as usual. Plugins call it through {@link Responses#preEncoded}.
   *
   * @param response the message the handler returns
   * @param wire exactly {@code response.toWire()} with any ID and no OPT record; not copied, so
   *     it must not be modified afterwards
   */
  void offerWireForm(Message response, byte[] wire);

  /**
   * The query exactly as it was received, when it carries a TSIG record (RFC 8945 §4.3: the MAC
   * covers those bytes, which re-encoding would not reproduce); empty for any other query, and
   * for queries the server did not read from a client.
   */
  default Optional<byte[]> signedQueryWire() {
    return Optional.empty();
  }

  /**
   * A copy of {@code query}'s bytes exactly as the server received them (with the client's ID), so
   * that a handler passing the query on unchanged ({@code forward}) sends them instead of encoding
   * the message again; empty unless all of these hold: {@code query} is the very message the
   * server parsed (not a copy, not a rewritten one), it still has the header flags, opcode, rcode,
   * counts, question record and OPT record it was parsed with, it holds nothing but its question
   * and an OPT record, and the call is made on the query's I/O thread while the server is still
   * running the chain for it (the bytes are not kept beyond that: a handler that answers later, or
   * on another thread, encodes the message). Empty too for queries the server did not read from a
   * client. The copy is the caller's; it is made only when asked for.
   *
   * @param query the message the handler is about to send on, normally {@code request.message()}
   */
  default Optional<byte[]> receivedQueryWire(Message query) {
    return Optional.empty();
  }

  /**
   * Has every message the server writes for this query (the response and any {@link
   * #continueWith continuation}) passed through {@code signer} after encoding; the {@code tsig}
   * directive signs responses this way. The last registration wins. Contexts whose responses are
   * never written ({@link Request#detached}) ignore it.
   */
  default void signResponses(ResponseSigner signer) {}

  /**
   * Messages the server sends after the response, in order, on a stream transport (TCP, TLS):
   * the rest of a response too large for one message, as a zone transfer (RFC 5936 §2.2). Each is
   * finished like the response (the query's ID, QR, the OPT record, {@link #signResponses
   * signed}) and pulled only when the one before was handed to the connection, between other work
   * of the I/O thread, so the iterator may build them lazily; it is called on the query's I/O
   * thread and must not block. Ignored on datagram transports and by contexts whose responses are
   * never written.
   */
  default void continueWith(Iterator<Message> rest) {}
}
