package dev.corvus.dns.plugin.dnstap;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;

/**
 * Encodes one {@code dnstap.Dnstap} protobuf message (dnstap.proto, proto2) by hand. Only the
 * fields CoreDNS writes are needed — a dozen scalars and byte strings in two messages — so a
 * generated class and the protobuf runtime would buy nothing but a code generator in the build
 * and two megabytes in the distribution; readers built on protobuf-c (dnstap-ldns, fstrm tools)
 * and on the Go library decode what this writes.
 */
final class DnstapEncoder {

  /** dnstap.proto {@code Message.Type}. */
  enum MessageType {
    AUTH_QUERY(1), AUTH_RESPONSE(2), RESOLVER_QUERY(3), RESOLVER_RESPONSE(4), CLIENT_QUERY(5),
    CLIENT_RESPONSE(6), FORWARDER_QUERY(7), FORWARDER_RESPONSE(8), STUB_QUERY(9), STUB_RESPONSE(10);

    final int code;

    MessageType(int code) {
      this.code = code;
    }
  }

  // Dnstap fields
  private static final int IDENTITY = 1;
  private static final int VERSION = 2;
  private static final int EXTRA = 3;
  private static final int MESSAGE = 14;
  private static final int TYPE = 15;
  private static final int DNSTAP_TYPE_MESSAGE = 1;
  // Message fields
  private static final int M_TYPE = 1;
  private static final int M_SOCKET_FAMILY = 2;
  private static final int M_SOCKET_PROTOCOL = 3;
  private static final int M_QUERY_ADDRESS = 4;
  private static final int M_RESPONSE_ADDRESS = 5;
  private static final int M_QUERY_PORT = 6;
  private static final int M_RESPONSE_PORT = 7;
  private static final int M_QUERY_TIME_SEC = 8;
  private static final int M_QUERY_TIME_NSEC = 9;
  private static final int M_QUERY_MESSAGE = 10;
  private static final int M_RESPONSE_TIME_SEC = 12;
  private static final int M_RESPONSE_TIME_NSEC = 13;
  private static final int M_RESPONSE_MESSAGE = 14;
  // SocketFamily, SocketProtocol
  private static final int INET = 1;
  private static final int INET6 = 2;
  private static final int UDP = 1;
  private static final int TCP = 2;

  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int BYTES = 2;

  private DnstapEncoder() {}

  /**
   * One message as CoreDNS's {@code msg} package fills it: the socket family from whichever
   * address is set last (the response address when both are), the protocol, the addresses and
   * ports, the times, and the wire messages when given.
   *
   * @param queryAddress the querying side (the client; for forwarder messages this server's
   *     socket, which Corvus does not know and leaves out as CoreDNS may), or {@code null}
   * @param responseAddress the responding side (the upstream for forwarder messages), or {@code null}
   * @param responseTime {@code null} for query messages
   */
  static byte[] encode(
      byte[] identity,
      byte[] version,
      byte[] extra,
      MessageType type,
      boolean tcp,
      InetAddress queryAddress,
      int queryPort,
      InetAddress responseAddress,
      int responsePort,
      Instant queryTime,
      Instant responseTime,
      byte[] queryMessage,
      byte[] responseMessage) {
    ByteArrayOutputStream message = new ByteArrayOutputStream(64 + length(queryMessage) + length(responseMessage));
    varintField(message, M_TYPE, type.code);
    InetAddress familySource = responseAddress != null ? responseAddress : queryAddress;
    if (familySource != null) {
      varintField(message, M_SOCKET_FAMILY, familySource instanceof Inet4Address ? INET : INET6);
    }
    varintField(message, M_SOCKET_PROTOCOL, tcp ? TCP : UDP);
    if (queryAddress != null) {
      bytesField(message, M_QUERY_ADDRESS, queryAddress.getAddress());
    }
    if (responseAddress != null) {
      bytesField(message, M_RESPONSE_ADDRESS, responseAddress.getAddress());
    }
    if (queryAddress != null) {
      varintField(message, M_QUERY_PORT, queryPort);
    }
    if (responseAddress != null) {
      varintField(message, M_RESPONSE_PORT, responsePort);
    }
    if (queryTime != null) {
      varintField(message, M_QUERY_TIME_SEC, queryTime.getEpochSecond());
      fixed32Field(message, M_QUERY_TIME_NSEC, queryTime.getNano());
    }
    if (queryMessage != null) {
      bytesField(message, M_QUERY_MESSAGE, queryMessage);
    }
    if (responseTime != null) {
      varintField(message, M_RESPONSE_TIME_SEC, responseTime.getEpochSecond());
      fixed32Field(message, M_RESPONSE_TIME_NSEC, responseTime.getNano());
    }
    if (responseMessage != null) {
      bytesField(message, M_RESPONSE_MESSAGE, responseMessage);
    }
    byte[] body = message.toByteArray();
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(body.length + length(identity) + length(version) + length(extra) + 24);
    if (identity != null) {
      bytesField(out, IDENTITY, identity);
    }
    if (version != null) {
      bytesField(out, VERSION, version);
    }
    if (extra != null) {
      bytesField(out, EXTRA, extra);
    }
    bytesField(out, MESSAGE, body);
    varintField(out, TYPE, DNSTAP_TYPE_MESSAGE);
    return out.toByteArray();
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void tag(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, ((long) field << 3) | wireType);
  }

  private static void varintField(ByteArrayOutputStream out, int field, long value) {
    tag(out, field, VARINT);
    varint(out, value);
  }

  private static void fixed32Field(ByteArrayOutputStream out, int field, int value) {
    tag(out, field, FIXED32);
    out.write(value);
    out.write(value >>> 8);
    out.write(value >>> 16);
    out.write(value >>> 24);
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    tag(out, field, BYTES);
    varint(out, value.length);
    out.write(value, 0, value.length);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
