package dev.corvus.dns.plugin.log;

import dev.corvus.dns.api.Request;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A {@code log} line format with CoreDNS's placeholders, parsed once. Unknown {@code {...}} text
 * stays literal and {@code {/label}} reads metadata ({@code log/class} and {@code log/type} are
 * known here; others render {@code -}), as CoreDNS's replacer does.
 */
public final class LogFormat {

  /** CoreDNS's Common Log Format. */
  public static final String COMMON =
      "{remote}:{port} - {>id} \"{type} {class} {name} {proto} {size} {>do} {>bufsize}\" {rcode} {>rflags} {rsize} {duration}";

  /** The Common Log Format plus the query opcode. */
  public static final String COMBINED = COMMON + " \"{>opcode}\"";

  private static final String EMPTY = "-";

  private static final Set<String> LABELS = Set.of(
      "{type}", "{name}", "{class}", "{proto}", "{size}", "{remote}", "{port}", "{local}",
      "{>id}", "{>opcode}", "{>do}", "{>bufsize}", "{rcode}", "{rsize}", "{duration}", "{>rflags}");

  /** What a line is rendered from. */
  record Entry(
      Request request,
      int requestSize,
      Message response,
      int responseSize,
      long durationNanos,
      ResponseClass.ResponseType type,
      ResponseClass responseClass) {}

  private record Node(String value, Kind kind) {}

  private enum Kind { LITERAL, LABEL, METADATA }

  private final String text;
  private final List<Node> nodes;

  private LogFormat(String text, List<Node> nodes) {
    this.text = text;
    this.nodes = List.copyOf(nodes);
  }

  /** Parses {@code format}: finds each '}' and backtracks to the nearest '{', as CoreDNS does. */
  public static LogFormat parse(String format) {
    List<Node> nodes = new ArrayList<>();
    String s = format;
    while (true) {
      int j = s.indexOf('}');
      if (j < 0) {
        break;
      }
      int i = s.lastIndexOf('{', j);
      if (i < 0) {
        nodes.add(new Node(s.substring(0, j + 1), Kind.LITERAL));
        s = s.substring(j + 1);
        continue;
      }
      String val = s.substring(i, j + 1);
      Node node;
      if (LABELS.contains(val)) {
        node = new Node(val, Kind.LABEL);
      } else if (val.startsWith("{/")) {
        node = new Node(val.substring(2, val.length() - 1), Kind.METADATA);
      } else {
        node = new Node(s.substring(0, j + 1), Kind.LITERAL);
      }
      if (i != 0 && node.kind() != Kind.LITERAL) {
        nodes.add(new Node(s.substring(0, i), Kind.LITERAL));
      }
      nodes.add(node);
      s = s.substring(j + 1);
    }
    if (!s.isEmpty()) {
      nodes.add(new Node(s, Kind.LITERAL));
    }
    return new LogFormat(format, nodes);
  }

  /** The format as written (with {@code {common}} and {@code {combined}} expanded). */
  public String text() {
    return text;
  }

  String render(Entry e) {
    StringBuilder b = new StringBuilder(128);
    for (Node node : nodes) {
      switch (node.kind()) {
        case LITERAL -> b.append(node.value());
        case LABEL -> appendLabel(b, node.value(), e);
        case METADATA -> b.append(switch (node.value()) {
          case "log/class" -> e.responseClass().label();
          case "log/type" -> e.type().name();
          default -> EMPTY;
        });
      }
    }
    return b.toString();
  }

  private static void appendLabel(StringBuilder b, String label, Entry e) {
    Request r = e.request();
    Message response = e.response();
    switch (label) {
      case "{rcode}" -> b.append(response == null ? EMPTY : Rcode.string(response.getRcode()));
      case "{rsize}" -> b.append(e.responseSize());
      case "{duration}" -> b.append(seconds(e.durationNanos())).append('s');
      case "{>rflags}" -> b.append(response == null ? EMPTY : flags(response.getHeader()));
      case "{type}" -> b.append(Type.string(r.qtype()));
      case "{name}" -> b.append(r.lowerName());
      case "{class}" -> b.append(DClass.string(r.qclass()));
      case "{proto}" -> b.append(r.transport().protocolLabel());
      case "{size}" -> b.append(e.requestSize());
      case "{remote}" -> b.append(rfc3986(r.client().getAddress()));
      case "{port}" -> b.append(r.client().getPort());
      case "{>id}" -> b.append(r.id());
      case "{>opcode}" -> b.append(r.message().getHeader().getOpcode());
      case "{>do}" -> b.append(r.dnssecOk());
      case "{>bufsize}" -> b.append(bufferSize(r));
      default -> b.append(EMPTY); // {local}: the request does not carry the local address
    }
  }

  /** CoreDNS's request size: 65535 over TCP, else the EDNS0 size but at least 512. */
  private static int bufferSize(Request r) {
    return r.transport().protocolLabel().equals("udp") ? r.udpPayloadSize() : 65535;
  }

  /** Seconds as Go's strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
  static String seconds(long nanos) {
    return BigDecimal.valueOf(nanos / 1e9).toPlainString();
  }

  /** The set header flags as CoreDNS lists them: {@code qr,aa,tc,rd,ra,z,ad,cd}. */
  static String flags(Header h) {
    StringBuilder b = new StringBuilder();
    appendFlag(b, h.getFlag(Flags.QR), "qr");
    appendFlag(b, h.getFlag(Flags.AA), "aa");
    appendFlag(b, h.getFlag(Flags.TC), "tc");
    appendFlag(b, h.getFlag(Flags.RD), "rd");
    appendFlag(b, h.getFlag(Flags.RA), "ra");
    appendFlag(b, h.getFlag(9), "z");
    appendFlag(b, h.getFlag(Flags.AD), "ad");
    appendFlag(b, h.getFlag(Flags.CD), "cd");
    return b.toString();
  }

  private static void appendFlag(StringBuilder b, boolean set, String name) {
    if (set) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(name);
    }
  }

  /** The size of a message on the wire. */
  static int wireSize(Message m) {
    int n = m.numBytes();
    return n > 0 ? n : m.toWire().length;
  }

  /** An address as Go prints it, IPv6 compressed (RFC 5952) and in brackets. */
  static String rfc3986(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] a = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLength - 1;
        continue;
      }
      if (b.length() > 1 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.append(']').toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
