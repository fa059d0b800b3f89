package dev.corvus.dns.api;

/**
 * Signs the messages the server writes for one query, after they are encoded: the ID is the
 * query's, the OPT record is in place, nothing will change them any more. TSIG (RFC 8945) is what
 * it is for: its MAC covers the exact bytes sent, and in a multi-message response each MAC also
 * covers the one before (§5.3.1), so an instance keeps that state. Registered with {@link
 * QueryContext#signResponses}.
 */
public interface ResponseSigner {

  /**
   * The most bytes {@link #sign} adds to a message; the server keeps that much room when it fits a
   * response to the client's UDP payload size.
   */
  int maxOverhead();

  /**
   * The signed form of one encoded message. Called once per message, in the order they are sent,
   * on the query's I/O thread.
   *
   * @param wire the message as it would be sent; the signer may change or return it
   * @return the bytes to send
   */
  byte[] sign(byte[] wire);
}
