package dev.corvus.dns.plugin.forward;

import java.util.Objects;
import org.xbill.DNS.Message;

/**
 * An upstream's answer to one exchange: the parsed message, and the bytes it came in, ready to be
 * relayed to clients ({@link RelayWire}).
 *
 * @param message the answer as parsed; shared by every client of a single-flight exchange, so
 *     never changed after it is made: each client gets a copy
 * @param wire the answer's bytes without its OPT record, exactly what {@code message.toWire()}
 *     encodes (to the letter case of compressed names, see {@link RelayWire}); {@code null} when
 *     the answer cannot be relayed as it came (its OPT record carries options, an extended rcode
 *     or the DO bit, it was cut short, or it was not a forwarded query)
 * @param spelledAsIn the query whose question {@code wire} spells exactly as that query was sent
 *     (the upstream echoed it byte for byte), so that its client needs no copy; {@code null} when
 *     unknown
 * @param soleHolder whether the client this is delivered to is the only one that gets {@code
 *     message} (no other client joined the exchange), so that it may take the message itself
 *     instead of a copy
 */
record UpstreamAnswer(Message message, byte[] wire, Message spelledAsIn, boolean soleHolder) {

  UpstreamAnswer {
    Objects.requireNonNull(message, "message");
  }

  /** An answer as it came from the socket, its spelling not yet compared with the query's. */
  UpstreamAnswer(Message message, byte[] wire) {
    this(message, wire, null, false);
  }

  /** An answer that is only parsed: health checks, explanations, synthesised answers. */
  static UpstreamAnswer parsedOnly(Message message) {
    return new UpstreamAnswer(message, null, null, false);
  }

  /**
   * This answer, marked as spelling its question as {@code query} was sent when the bytes of
   * both say so.
   *
   * @param sent {@code query} as it was sent (any ID)
   */
  UpstreamAnswer checkedAgainst(Message query, byte[] sent) {
    return wire != null && RelayWire.sameQuestionName(wire, sent)
        ? new UpstreamAnswer(message, wire, query, soleHolder)
        : this;
  }

  /** This answer for the only client that gets it: {@link #soleHolder} set. */
  UpstreamAnswer forSoleHolder() {
    return new UpstreamAnswer(message, wire, spelledAsIn, true);
  }
}
