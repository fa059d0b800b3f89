package dev.corvus.dns.plugin.log;

import java.util.Locale;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The classes of responses {@code log}'s {@code class} option selects, as CoreDNS classifies them. */
public enum ResponseClass {
  /** Everything; the default. */
  ALL,
  /** A positive answer or a delegation. */
  SUCCESS,
  /** NXDOMAIN or NODATA (NOERROR with an SOA in the authority section). */
  DENIAL,
  /** Anything else: SERVFAIL, REFUSED, NOTIMP... */
  ERROR;

  /** The Corefile spelling, e.g. {@code denial}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a Corefile spelling, or returns {@code null}. */
  static ResponseClass fromLabel(String label) {
    for (ResponseClass c : values()) {
      if (c.label().equals(label)) {
        return c;
      }
    }
    return null;
  }

  /** CoreDNS's response types ({@code plugin/pkg/response/typify.go}), for {@code {/log/type}}. */
  enum ResponseType {
    NOERROR, NXDOMAIN, SERVERERROR, NODATA, DELEGATION, META, UPDATE, OTHERERROR
  }

  /** Types a response as CoreDNS's Typify does (DNSSEC signature expiry is not checked). */
  static ResponseType typify(Message m) {
    if (m == null) {
      return ResponseType.OTHERERROR;
    }
    int opcode = m.getHeader().getOpcode();
    if (opcode == Opcode.UPDATE) {
      return ResponseType.UPDATE;
    }
    if (opcode == Opcode.NOTIFY) {
      return ResponseType.META;
    }
    Record question = m.getQuestion();
    if (question != null && (question.getType() == Type.AXFR || question.getType() == Type.IXFR)) {
      return ResponseType.META;
    }
    int rcode = m.getRcode();
    boolean hasAnswer = !m.getSection(Section.ANSWER).isEmpty();
    if (hasAnswer && rcode == Rcode.NOERROR) {
      return ResponseType.NOERROR;
    }
    if (hasAnswer && rcode == Rcode.NXDOMAIN) {
      return ResponseType.OTHERERROR;
    }
    boolean soa = false;
    int ns = 0;
    for (Record r : m.getSection(Section.AUTHORITY)) {
      if (r.getType() == Type.SOA) {
        soa = true;
      } else if (r.getType() == Type.NS) {
        ns++;
      }
    }
    if (soa && rcode == Rcode.NOERROR) {
      return ResponseType.NODATA;
    }
    if (rcode == Rcode.NXDOMAIN) {
      return ResponseType.NXDOMAIN;
    }
    if (rcode == Rcode.SERVFAIL || rcode == Rcode.NOTIMP) {
      return ResponseType.SERVERERROR;
    }
    if (ns > 0 && rcode == Rcode.NOERROR) {
      return ResponseType.DELEGATION;
    }
    return rcode == Rcode.NOERROR ? ResponseType.NOERROR : ResponseType.OTHERERROR;
  }

  /** The class of a response type, as CoreDNS's Classify. */
  static ResponseClass classify(ResponseType type) {
    return switch (type) {
      case NOERROR, DELEGATION -> SUCCESS;
      case NXDOMAIN, NODATA -> DENIAL;
      default -> ERROR;
    };
  }
}
