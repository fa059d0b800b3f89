package dev.corvus.dns.plugin.log;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
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

  /**
   * What a line is rendered from, copied on the I/O thread that wrote the response so that the
   * line can be rendered later on another thread: numbers are read from the messages now (the
   * server owns the response), the question's name and the client's address are immutable and
   * kept as they are, and metadata is read now (its providers compute it for this query, on its
   * thread). Nothing here refers to the messages or the query's context.
   *
   * @param format how the line reads
   * @param qname the question's name as asked
   * @param qtype the question's type
   * @param qclass the question's class
   * @param transport how the query came
   * @param client the client's address and port
   * @param id the query ID
   * @param opcode the query opcode
   * @param dnssecOk whether the query set the DO bit
   * @param bufferSize CoreDNS's {@code {>bufsize}}: 65535 over TCP, else the EDNS0 size but at least 512
   * @param requestSize the query's size on the wire
   * @param rcode the response's rcode, or -1 when no response was sent
   * @param responseFlags the response's header flags, bit {@code 15 - f} for flag {@code f}, as on the wire
   * @param responseSize the response's size on the wire
   * @param durationNanos the time from reading the query to writing the response
   * @param type the response's type, for {@code {/log/type}}
   * @param responseClass the response's class, for {@code {/log/class}}
   * @param metadata the values of the format's other {@code {/label}} placeholders, in order;
   *     {@code null} entries print {@code -}
   */
  record Entry(
      LogFormat format,
      Name qname,
      int qtype,
      int qclass,
      Transport transport,
      InetSocketAddress client,
      int id,
      int opcode,
      boolean dnssecOk,
      int bufferSize,
      int requestSize,
      int rcode,
      int responseFlags,
      int responseSize,
      long durationNanos,
      ResponseClass.ResponseType type,
      ResponseClass responseClass,
      String[] metadata) {

    /** Renders the line; safe on any thread. */
    String render() {
      return format.render(this);
    }
  }

  /**
   * Copies what {@code render} needs of a query and its response; runs on the I/O thread that
   * wrote the response.
   *
   * @param response the response as sent, or {@code null} when none was sent
   */
  Entry capture(Request request, int requestSize, Message response, int responseSize, long durationNanos,
      ResponseClass.ResponseType type, ResponseClass responseClass) {
    String[] values = null;
    if (metadataLabels.length > 0) {
      values = new String[metadataLabels.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = request.context().metadata(metadataLabels[i]).orElse(null);
      }
    }
    return new Entry(this, request.qname(), request.qtype(), request.qclass(), request.transport(), request.client(),
        request.id(), request.message().getHeader().getOpcode(), request.dnssecOk(), bufferSize(request), requestSize,
        response == null ? -1 : response.getRcode(), response == null ? 0 : flagBits(response.getHeader()),
        responseSize, durationNanos, type, responseClass, values);
  }

  /**
   * One piece of a format.
   *
   * @param value the literal text, the placeholder, or the metadata label
   * @param kind which of those
   * @param slot for metadata other than {@code log/*}, its index in {@link Entry#metadata()}
   */
  private record Node(String value, Kind kind, int slot) {
    Node(String value, Kind kind) {
      this(value, kind, -1);
    }
  }

  private enum Kind { LITERAL, LABEL, METADATA }

  private final String text;
  private final List<Node> nodes;
  /** The labels of the {@code {/label}} placeholders read from the query's metadata. */
  private final String[] metadataLabels;

  private LogFormat(String text, List<Node> parsed) {
    this.text = text;
    List<Node> numbered = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (Node node : parsed) {
      if (node.kind() == Kind.METADATA && !node.value().startsWith("log/")) {
        numbered.add(new Node(node.value(), Kind.METADATA, labels.size()));
        labels.add(node.value());
      } else {
        numbered.add(node);
      }
    }
    this.nodes = List.copyOf(numbered);
    this.metadataLabels = labels.toArray(String[]::new);
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
          default -> node.slot() < 0 || e.metadata()[node.slot()] == null ? EMPTY : e.metadata()[node.slot()];
        });
      }
    }
    return b.toString();
  }

  private static void appendLabel(StringBuilder b, String label, Entry e) {
    boolean answered = e.rcode() >= 0;
    switch (label) {
      case "{rcode}" -> b.append(answered ? Rcode.string(e.rcode()) : EMPTY);
      case "{rsize}" -> b.append(e.responseSize());
      case "{duration}" -> b.append(seconds(e.durationNanos())).append('s');
      case "{>rflags}" -> b.append(answered ? flags(e.responseFlags()) : EMPTY);
      case "{type}" -> b.append(Type.string(e.qtype()));
      case "{name}" -> b.append(Names.lowerCase(e.qname()));
      case "{class}" -> b.append(DClass.string(e.qclass()));
      case "{proto}" -> b.append(e.transport().protocolLabel());
      case "{size}" -> b.append(e.requestSize());
      case "{remote}" -> b.append(rfc3986(e.client().getAddress()));
      case "{port}" -> b.append(e.client().getPort());
      case "{>id}" -> b.append(e.id());
      case "{>opcode}" -> b.append(e.opcode());
      case "{>do}" -> b.append(e.dnssecOk());
      case "{>bufsize}" -> b.append(e.bufferSize());
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

  /** The header's flags as one number, bit {@code 15 - f} for flag {@code f} (QR is bit 15). */
  static int flagBits(Header h) {
    int bits = 0;
    for (int flag = 0; flag < 16; flag++) {
      if (Flags.isFlag(flag) && h.getFlag(flag)) {
        bits |= 1 << (15 - flag);
      }
    }
    return bits;
  }

  /** The set header flags as CoreDNS lists them: {@code qr,aa,tc,rd,ra,z,ad,cd}. */
  static String flags(int bits) {
    StringBuilder b = new StringBuilder();
    appendFlag(b, bits, Flags.QR, "qr");
    appendFlag(b, bits, Flags.AA, "aa");
    appendFlag(b, bits, Flags.TC, "tc");
    appendFlag(b, bits, Flags.RD, "rd");
    appendFlag(b, bits, Flags.RA, "ra");
    appendFlag(b, bits, 9, "z");
    appendFlag(b, bits, Flags.AD, "ad");
    appendFlag(b, bits, Flags.CD, "cd");
    return b.toString();
  }

  private static void appendFlag(StringBuilder b, int bits, int flag, String name) {
    if ((bits & (1 << (15 - flag))) != 0) {
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
