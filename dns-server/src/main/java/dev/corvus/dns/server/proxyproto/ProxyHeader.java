package dev.corvus.dns.server.proxyproto;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A PROXY protocol header (HAProxy's proxy-protocol.txt) at the start of a TCP stream or of a
 * datagram: version 1 (a text line) or 2 (binary). {@link #parse} reads it without consuming the
 * buffer.
 *
 * @param length the header's size in bytes; the payload follows
 * @param version 1 or 2
 * @param source the client's address the proxy reports, or {@code null} for a v2 {@code LOCAL}
 *     command, a v1 {@code UNKNOWN} line or an address family without one (the connection's own
 *     address stands)
 * @param datagram whether a v2 header names UDP ({@code DGRAM}) as the client's transport
 */
public record ProxyHeader(int length, int version, InetSocketAddress source, boolean datagram) {

  /** The 12 bytes every v2 header starts with. */
  static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
  private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  /** A v1 line is at most 107 bytes, CRLF included (proxy-protocol.txt §2.1). */
  static final int V1_MAX = 107;
  /** A v2 header's fixed part: signature, version and command, family, length. */
  static final int V2_FIXED = 16;

  /** What the start of a buffer holds. */
  public enum Kind {
    /** A complete header: see {@link Parse#header}. */
    HEADER,
    /** No PROXY header: the bytes are the payload itself. */
    ABSENT,
    /** The start of a header, not all of it yet (a stream only: a datagram is whole). */
    INCOMPLETE,
    /** A header signature followed by something the protocol does not allow. */
    INVALID
  }

  /**
   * The outcome of {@link #parse}.
   *
   * @param kind what the buffer starts with
   * @param header the header when {@code kind} is {@link Kind#HEADER}
   * @param problem why it is {@link Kind#INVALID}
   */
  public record Parse(Kind kind, ProxyHeader header, String problem) {
    static final Parse ABSENT = new Parse(Kind.ABSENT, null, null);
    static final Parse INCOMPLETE = new Parse(Kind.INCOMPLETE, null, null);

    static Parse invalid(String problem) {
      return new Parse(Kind.INVALID, null, problem);
    }
  }

  /**
   * Reads the header at {@code in}'s position, if there is one; {@code in} is left as it was.
   *
   * @param in the first bytes of a stream or a whole datagram
   * @return what was found
   */
  public static Parse parse(ByteBuffer in) {
    ByteBuffer buf = in.duplicate();
    int available = buf.remaining();
    if (available == 0) {
      return Parse.INCOMPLETE;
    }
    int start = buf.position();
    if (startsWith(buf, start, available, V2_SIGNATURE)) {
      return available < V2_FIXED ? Parse.INCOMPLETE : parseV2(buf, start, available);
    }
    if (startsWith(buf, start, available, V1_PREFIX)) {
      return available < V1_PREFIX.length ? Parse.INCOMPLETE : parseV1(buf, start, available);
    }
    return Parse.ABSENT;
  }

  /**
   * Whether the bytes available match {@code prefix} as far as they go: a partial match counts,
   * so that a stream's first bytes do not decide before enough arrived.
   */
  private static boolean startsWith(ByteBuffer buf, int start, int available, byte[] prefix) {
    int n = Math.min(available, prefix.length);
    for (int i = 0; i < n; i++) {
      if (buf.get(start + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static Parse parseV1(ByteBuffer buf, int start, int available) {
    int end = -1;
    for (int i = 0; i < Math.min(available, V1_MAX) - 1; i++) {
      if (buf.get(start + i) == '\r' && buf.get(start + i + 1) == '\n') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      return available >= V1_MAX ? Parse.invalid("v1 line longer than 107 bytes") : Parse.INCOMPLETE;
    }
    byte[] line = new byte[end];
    buf.get(start, line);
    String[] fields = new String(line, StandardCharsets.US_ASCII).split(" ", -1);
    int length = end + 2;
    if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
      return new Parse(Kind.HEADER, new ProxyHeader(length, 1, null, false), null);
    }
    if (fields.length != 6 || !(fields[1].equals("TCP4") || fields[1].equals("TCP6"))) {
      return Parse.invalid("v1 line is not 'PROXY TCP4|TCP6 SRC DST SPORT DPORT'");
    }
    InetAddress address = literal(fields[2], fields[1].equals("TCP4") ? 4 : 16);
    int port = port(fields[4]);
    if (address == null || literal(fields[3], fields[1].equals("TCP4") ? 4 : 16) == null || port < 0
        || port(fields[5]) < 0) {
      return Parse.invalid("v1 line has a malformed address or port");
    }
    return new Parse(Kind.HEADER, new ProxyHeader(length, 1, new InetSocketAddress(address, port), false), null);
  }

  private static Parse parseV2(ByteBuffer buf, int start, int available) {
    int versionCommand = buf.get(start + 12) & 0xff;
    int family = buf.get(start + 13) & 0xff;
    int bodyLength = buf.getShort(start + 14) & 0xffff;
    if (versionCommand >> 4 != 2) {
      return Parse.invalid("v2 signature with version " + (versionCommand >> 4));
    }
    int command = versionCommand & 0x0f;
    if (command > 1) {
      return Parse.invalid("v2 command " + command + " is neither LOCAL nor PROXY");
    }
    if (available < V2_FIXED + bodyLength) {
      return Parse.INCOMPLETE;
    }
    int length = V2_FIXED + bodyLength;
    int addressFamily = family >> 4;
    int transport = family & 0x0f;
    boolean datagram = transport == 2;
    if (command == 0 || addressFamily == 0 || addressFamily == 3) {
      // LOCAL (the proxy's own health check), UNSPEC or a UNIX socket: no IP address to use.
      return new Parse(Kind.HEADER, new ProxyHeader(length, 2, null, datagram), null);
    }
    int addressLength = addressFamily == 1 ? 4 : addressFamily == 2 ? 16 : -1;
    if (addressLength < 0 || transport < 1 || transport > 2) {
      return Parse.invalid("v2 family 0x" + Integer.toHexString(family) + " is not defined");
    }
    if (bodyLength < 2 * addressLength + 4) {
      return Parse.invalid("v2 body of " + bodyLength + " bytes is too short for its addresses");
    }
    byte[] source = new byte[addressLength];
    buf.get(start + V2_FIXED, source);
    int port = buf.getShort(start + V2_FIXED + 2 * addressLength) & 0xffff;
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(source), port);
      return new Parse(Kind.HEADER, new ProxyHeader(length, 2, address, datagram), null);
    } catch (UnknownHostException e) {
      return Parse.invalid("v2 source address: " + e.getMessage());
    }
  }

  /** An IPv4 or IPv6 literal of {@code bytes} bytes, or {@code null}; never a name lookup. */
  private static InetAddress literal(String text, int bytes) {
    try {
      if (bytes == 4) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
          return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
          if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
            return null;
          }
          address[i] = (byte) Integer.parseInt(parts[i]);
        }
        return InetAddress.getByAddress(address);
      }
      // With a colon, InetAddress reads an IPv6 literal and never looks a name up.
      if (!text.contains(":") || !text.matches("[0-9A-Fa-f:.]+")) {
        return null;
      }
      InetAddress address = InetAddress.getByName(text);
      return address.getAddress().length == 16 ? address : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static int port(String text) {
    if (!text.matches("\\d{1,5}")) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port <= 65535 ? port : -1;
  }
}
