package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.plugin.rewrite.Rule.ResponseRule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * {@code edns0 local|nsid|subnet set|append|replace|unset ... [revert]}: changes an EDNS0 option
 * of the query. {@code set} replaces an option with the same code or adds one, {@code append} adds
 * one only when none exists, {@code replace} only changes an existing one, {@code unset} removes
 * it. A query without EDNS0 gets an OPT record whatever the rule does, as in CoreDNS. With {@code
 * revert}, the response's OPT record is given back what the rule changed: an option the rule
 * added is removed from it, one it replaced gets the client's value back (CoreDNS's
 * edns0SetResponseRule and edns0ReplaceResponseRule).
 *
 * @param action what to do with the option
 * @param code the option code (0xffee for a local option, 3 for NSID, 8 for the client subnet)
 * @param data the option's data for this request; {@code null} for unset
 * @param revert whether the response's OPT record is given back what the rule changed
 */
record Edns0Rule(Action action, int code, Function<Request, byte[]> data, boolean revert) implements Rule {

  /** A rule without {@code revert}. */
  Edns0Rule(Action action, int code, Function<Request, byte[]> data) {
    this(action, code, data, false);
  }

  /** The payload size of an OPT record the rule adds (CoreDNS uses the common 4096 too). */
  static final int ADDED_PAYLOAD_SIZE = 4096;

  /** What the rule does with a matching option. */
  enum Action {
    SET, APPEND, REPLACE, UNSET;

    static Action parse(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /**
   * The data of a local option as written: {@code 0x...} hex, one of the variables {@code
   * {qname}}, {@code {qtype}}, {@code {client_ip}}, {@code {client_port}}, {@code {protocol}},
   * {@code {server_ip}}, {@code {server_port}}, a metadata label ({@code
   * {kubernetes/client-namespace}}: its value, or {@code null} when it has none), or a plain
   * string.
   *
   * @throws IllegalArgumentException for bad hex or an unknown variable
   */
  static Function<Request, byte[]> localData(String text) {
    if (text.startsWith("0x") || text.startsWith("0X")) {
      byte[] bytes = hex(text.substring(2));
      return request -> bytes;
    }
    if (text.startsWith("{") && text.endsWith("}")) {
      return switch (text) {
        case "{qname}" -> request -> request.qname().toString().getBytes(StandardCharsets.US_ASCII);
        case "{qtype}" -> request -> new byte[] {(byte) (request.qtype() >>> 8), (byte) request.qtype()};
        case "{client_ip}" -> request -> request.client().getAddress().getAddress();
        case "{client_port}" -> request -> new byte[] {
            (byte) (request.client().getPort() >>> 8), (byte) request.client().getPort()};
        case "{protocol}" -> request -> request.transport().protocolLabel().getBytes(StandardCharsets.US_ASCII);
        // CoreDNS: 4 bytes for an IPv4 server address, 16 for IPv6; the port in 2 bytes
        case "{server_ip}" -> request -> request.localAddress().getAddress().getAddress();
        case "{server_port}" -> request -> new byte[] {
            (byte) (request.localAddress().getPort() >>> 8), (byte) request.localAddress().getPort()};
        default -> {
          String label = text.substring(1, text.length() - 1);
          if (!isMetadataLabel(label)) {
            throw new IllegalArgumentException("unsupported variable " + text
                + ", expected {qname}, {qtype}, {client_ip}, {client_port}, {protocol}, {server_ip}, {server_port}"
                + " or a metadata label"
                + " {plugin/name}");
          }
          // CoreDNS: a label without a value (or an empty one) leaves the query as it is
          yield request -> request.context().metadata(label).filter(v -> !v.isEmpty())
              .map(v -> v.getBytes(StandardCharsets.UTF_8)).orElse(null);
        }
      };
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return request -> bytes;
  }

  /** CoreDNS's {@code metadata.IsLabel}: a non-empty namespace, a slash, a non-empty name. */
  private static boolean isMetadataLabel(String label) {
    int slash = label.indexOf('/');
    return slash > 0 && slash < label.length() - 1;
  }

  private static byte[] hex(String digits) {
    if (digits.isEmpty() || digits.length() % 2 != 0) {
      throw new IllegalArgumentException("hex data must have an even number of digits: 0x" + digits);
    }
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(digits.charAt(2 * i), 16);
      int lo = Character.digit(digits.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not hex: 0x" + digits);
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  @Override
  public Rewrite apply(Request request) {
    OPTRecord opt = request.opt();
    List<EDNSOption> options = new ArrayList<>(opt == null ? List.of() : opt.getOptions());
    byte[] bytes = action == Action.UNSET ? null : data.apply(request);
    if (action != Action.UNSET && bytes == null) {
      // a metadata variable without a value: CoreDNS ignores the rule
      return null;
    }
    EDNSOption existing = options.stream().filter(o -> o.getCode() == code).findFirst().orElse(null);
    boolean exists = existing != null;
    boolean changes = switch (action) {
      case SET -> true;
      case APPEND -> !exists;
      case REPLACE, UNSET -> exists;
    };
    // CoreDNS: unset counts as done for stop even when there was nothing to remove
    boolean matched = changes || action == Action.UNSET;
    if (!changes && opt != null) {
      return matched ? new Rewrite(request.message(), List.of(), true) : null;
    }
    if (changes) {
      options.removeIf(o -> o.getCode() == code);
      if (action != Action.UNSET) {
        options.add(option(code, bytes));
      }
    }
    // CoreDNS gives the query an OPT record before the rule looks at it, so a query without EDNS0
    // goes on with one even when the rule changed nothing
    OPTRecord replaced = opt == null
        ? new OPTRecord(ADDED_PAYLOAD_SIZE, 0, 0, 0, options)
        : new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(), options);
    Message query = request.message().clone();
    for (Record r : query.getSection(Section.ADDITIONAL)) {
      if (r instanceof OPTRecord) {
        query.removeRecord(r, Section.ADDITIONAL);
      }
    }
    query.addRecord(replaced, Section.ADDITIONAL);
    List<ResponseRule> reverts = !revert || !changes || action == Action.UNSET ? List.of()
        : List.of(exists ? response -> restore(response, existing) : response -> remove(response, code));
    return new Rewrite(query, reverts, matched);
  }

  /** The option as dnsjava reads it from the wire (a ClientSubnetOption for code 8, ...). */
  static EDNSOption option(int code, byte[] data) {
    byte[] wire = new byte[4 + data.length];
    wire[0] = (byte) (code >>> 8);
    wire[1] = (byte) code;
    wire[2] = (byte) (data.length >>> 8);
    wire[3] = (byte) data.length;
    System.arraycopy(data, 0, wire, 4, data.length);
    try {
      return EDNSOption.fromWire(wire);
    } catch (java.io.IOException | RuntimeException e) {
      return new GenericEDNSOption(code, data);
    }
  }

  /** The response's OPT record with {@code code} removed. */
  private static void remove(Message response, int code) {
    replaceOptions(response, o -> o.getCode() == code ? null : o);
  }

  /** The response's OPT record with the client's own option back in place of the rewritten one. */
  private static void restore(Message response, EDNSOption original) {
    replaceOptions(response, o -> o.getCode() == original.getCode() ? original : o);
  }

  private static void replaceOptions(Message response, java.util.function.UnaryOperator<EDNSOption> change) {
    OPTRecord opt = response.getOPT();
    if (opt == null) {
      return;
    }
    List<EDNSOption> options = new ArrayList<>();
    boolean changed = false;
    for (EDNSOption o : opt.getOptions()) {
      EDNSOption kept = change.apply(o);
      changed |= kept != o;
      if (kept != null) {
        options.add(kept);
      }
    }
    if (changed) {
      response.removeRecord(opt, Section.ADDITIONAL);
      response.addRecord(new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(),
          options), Section.ADDITIONAL);
    }
  }

  /**
   * The data of a client subnet option (RFC 7871 §6) for the client's address: its family, the
   * prefix length for that family, scope 0, and the address cut to the prefix.
   */
  static Function<Request, byte[]> subnetData(int ipv4PrefixLength, int ipv6PrefixLength) {
    return request -> {
      byte[] address = request.client().getAddress().getAddress();
      boolean v4 = address.length == 4;
      int prefix = v4 ? ipv4PrefixLength : ipv6PrefixLength;
      int bytes = (prefix + 7) / 8;
      byte[] data = new byte[4 + bytes];
      data[1] = (byte) (v4 ? 1 : 2);
      data[2] = (byte) prefix;
      for (int i = 0; i < bytes; i++) {
        int bitsLeft = prefix - 8 * i;
        int mask = bitsLeft >= 8 ? 0xff : (0xff << (8 - bitsLeft)) & 0xff;
        data[4 + i] = (byte) (address[i] & mask);
      }
      return data;
    };
  }
}
