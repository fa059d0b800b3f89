package dev.corvus.dns.plugin.quic;

/** RFC 9250 §8.4: DoQ's application error codes. */
enum DoqCode {
  /** No error: the connection or stream closes normally. */
  NO_ERROR(0x0),
  /** The server could not pursue the transaction (no answer to send). */
  INTERNAL_ERROR(0x1),
  /** The peer broke the protocol (a non-zero ID, a message cut short, more than one message...). */
  PROTOCOL_ERROR(0x2),
  /** The client cancelled the transaction. */
  REQUEST_CANCELLED(0x3),
  /** The server refuses work because it has too much of it. */
  EXCESSIVE_LOAD(0x4);

  final int code;

  DoqCode(int code) {
    this.code = code;
  }

  /** CoreDNS's {@code status} label of {@code coredns_dns_quic_responses_total}: {@code 0x2}. */
  String label() {
    return "0x" + Integer.toHexString(code);
  }
}
