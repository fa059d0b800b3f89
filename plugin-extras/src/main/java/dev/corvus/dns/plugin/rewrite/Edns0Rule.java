package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
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
 * {@code edns0 local|nsid set|append|replace|unset ...}: changes an EDNS0 option of the query.
 * {@code set} replaces an option with the same code or adds one, {@code append} adds one only
 * when none exists, {@code replace} only changes an existing one, {@code unset} removes it. A
 * query without EDNS0 gets an OPT record whatever the rule does, as in CoreDNS.
 *
 * @param action what to do with the option
 * @param code the option code (0xffee for a local option, 3 for NSID)
 * @param data the option's data for this request; {@code null} for unset
 */
record Edns0Rule(Action action, int code, Function<Request, byte[]> data) implements Rule {

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
   * {qname}}, {@code {qtype}}, {@code {client_ip}}, {@code {client_port}}, {@code {protocol}}, a
   * metadata label ({@code {kubernetes/client-namespace}}: its value, or {@code null} when it has
   * none), or a plain string.
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
        default -> {
          String label = text.substring(1, text.length() - 1);
          if (!isMetadataLabel(label)) {
            throw new IllegalArgumentException("unsupported variable " + text
                + ", expected {qname}, {qtype}, {client_ip}, {client_port}, {protocol} or a metadata label"
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
    boolean exists = options.stream().anyMatch(o -> o.getCode() == code);
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
        options.add(new GenericEDNSOption(code, bytes));
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
    return new Rewrite(query, List.of(), matched);
  }
}
