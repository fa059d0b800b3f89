package dev.corvus.dns.plugin.cache;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What a response is, as CoreDNS's {@code response.Typify} classifies it for caching, with the
 * cache's refinement that a NOERROR answer whose CNAME chain does not reach the queried type is
 * NODATA when an SOA bounds it.
 */
enum ResponseKind {
  /** A positive answer. */
  NO_ERROR,
  /** NXDOMAIN. */
  NAME_ERROR,
  /** SERVFAIL or NOTIMP, cached briefly. */
  SERVER_ERROR,
  /** The name exists but not the type: NOERROR with an SOA in the authority section. */
  NO_DATA,
  /** A referral: NOERROR with NS records in the authority section. */
  DELEGATION,
  /** NOTIFY or a zone transfer. */
  META,
  /** A dynamic update. */
  UPDATE,
  /** Anything else; never cached. */
  OTHER_ERROR;

  /** Classifies {@code response}; {@code now} decides whether DNSSEC signatures have expired. */
  static ResponseKind of(Message response, Instant now) {
    int opcode = response.getHeader().getOpcode();
    if (opcode == Opcode.UPDATE) {
      return UPDATE;
    }
    if (opcode == Opcode.NOTIFY) {
      return META;
    }
    Record question = response.getQuestion();
    if (question != null && (question.getType() == Type.AXFR || question.getType() == Type.IXFR)) {
      return META;
    }
    OPTRecord opt = response.getOPT();
    boolean dnssecOk = opt != null && (opt.getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0;
    if (dnssecOk && hasExpiredSignature(response, now)) {
      return OTHER_ERROR;
    }
    int rcode = response.getRcode();
    List<Record> answer = response.getSection(Section.ANSWER);
    if (!answer.isEmpty() && rcode == Rcode.NOERROR) {
      return hasSoa(response) && !answersQuestion(response) ? NO_DATA : NO_ERROR;
    }
    if (!answer.isEmpty() && rcode == Rcode.NXDOMAIN) {
      return OTHER_ERROR;
    }
    boolean soa = false;
    int ns = 0;
    for (Record record : response.getSection(Section.AUTHORITY)) {
      if (record.getType() == Type.SOA) {
        soa = true;
      } else if (record.getType() == Type.NS) {
        ns++;
      }
    }
    if (soa && rcode == Rcode.NOERROR) {
      return NO_DATA;
    }
    if (rcode == Rcode.NXDOMAIN) {
      return NAME_ERROR;
    }
    if (rcode == Rcode.SERVFAIL || rcode == Rcode.NOTIMP) {
      return SERVER_ERROR;
    }
    if (ns > 0 && rcode == Rcode.NOERROR) {
      return DELEGATION;
    }
    return rcode == Rcode.NOERROR ? NO_ERROR : OTHER_ERROR;
  }

  /** Whether answers of this kind go to the positive cache. */
  boolean isPositive() {
    return this == NO_ERROR || this == DELEGATION;
  }

  /** Whether answers of this kind go to the negative cache. */
  boolean isNegative() {
    return this == NAME_ERROR || this == NO_DATA || this == SERVER_ERROR;
  }

  static boolean hasSoa(Message response) {
    for (Record record : response.getSection(Section.AUTHORITY)) {
      if (record.getType() == Type.SOA) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a NOERROR response with answers does not answer its question: the CNAME chain from
   * the question name does not end at a record of the queried type (RFC 1034 §3.6.2, RFC 2308
   * §2.2). A malformed chain (a loop, or an alias with two targets, RFC 2181 §10.1) counts as no
   * answer.
   */
  static boolean isNoDataWithAnswers(Message response) {
    return !response.getSection(Section.ANSWER).isEmpty() && !answersQuestion(response);
  }

  private static boolean answersQuestion(Message response) {
    Record question = response.getQuestion();
    List<Record> answer = response.getSection(Section.ANSWER);
    if (question == null || answer.isEmpty()) {
      return false;
    }
    int qtype = question.getType();
    int qclass = question.getDClass();
    Name name = question.getName();
    if (qtype == Type.ANY) {
      for (Record record : answer) {
        if (classMatches(record, qclass) && record.getName().equals(name)) {
          return true;
        }
      }
      return false;
    }
    Set<Name> visited = new HashSet<>();
    while (true) {
      if (!visited.add(name)) {
        return false;
      }
      Name target = null;
      for (Record record : answer) {
        if (record instanceof CNAMERecord cname && classMatches(record, qclass) && record.getName().equals(name)) {
          if (target != null && !target.equals(cname.getTarget())) {
            return false;
          }
          target = cname.getTarget();
        }
      }
      if (qtype == Type.CNAME) {
        return target != null;
      }
      if (target == null) {
        break;
      }
      name = target;
    }
    for (Record record : answer) {
      if (record.getType() == qtype && classMatches(record, qclass) && record.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean classMatches(Record record, int qclass) {
    return qclass == DClass.ANY || record.getDClass() == qclass;
  }

  private static boolean hasExpiredSignature(Message response, Instant now) {
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record record : response.getSection(section)) {
        if (record instanceof RRSIGRecord sig
            && (now.isBefore(sig.getTimeSigned()) || now.isAfter(sig.getExpire()))) {
          return true;
        }
      }
    }
    return false;
  }
}
