package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Builds the authoritative response for one query from one zone, as CoreDNS's {@code file}
 * plugin does: answers with the apex NS in authority and in-zone addresses of NS, MX and SRV
 * targets in additional; CNAMEs chased inside the zone; referrals with glue and without AA;
 * NXDOMAIN and NODATA with the SOA.
 */
final class ZoneLookup {

  /** How many CNAMEs are followed before giving up on a chain (loops included). */
  private static final int MAX_CHASE = 8;

  /** What happened, so the handler can decide on fallthrough. */
  enum Outcome { ANSWER, NODATA, NXDOMAIN, REFERRAL }

  /** The response and how it came about. */
  record Result(Message response, Outcome outcome) {}

  private ZoneLookup() {}

  static Result lookup(ZoneData data, Request request) {
    Zone zone = data.zone();
    Message response = Responses.answer(request);
    Name qname = request.qname();
    int qtype = request.qtype();
    List<Record> answer = new ArrayList<>();
    Set<Name> seen = new LinkedHashSet<>();
    for (int step = 0; step <= MAX_CHASE; step++) {
      if (!seen.add(qname)) {
        break; // a CNAME loop: answer with the chain so far, as CoreDNS does
      }
      SetResponse found = zone.findRecords(qname, qtype);
      if (found.isCNAME() && qtype != Type.CNAME) {
        CNAMERecord cname = found.getCNAME();
        answer.add(withOwner(cname, qname));
        qname = cname.getTarget();
        if (!qname.subdomain(zone.getOrigin())) {
          break; // outside the zone: the client resolves the target itself
        }
        continue;
      }
      if (found.isDNAME()) {
        DNAMERecord dname = found.getDNAME();
        answer.add(dname);
        try {
          Name target = qname.fromDNAME(dname);
          answer.add(new CNAMERecord(qname, dname.getDClass(), dname.getTTL(), target));
          qname = target;
        } catch (NameTooLongException e) {
          return finish(response, answer, Rcode.YXDOMAIN, Outcome.ANSWER);
        }
        if (!qname.subdomain(zone.getOrigin())) {
          break;
        }
        continue;
      }
      if (found.isDelegation()) {
        RRset ns = found.getNS();
        addAll(response, ns, Section.AUTHORITY);
        addGlue(zone, response, ns);
        if (answer.isEmpty()) {
          // RFC 1034 §4.3.2: a referral is not authoritative
          response.getHeader().unsetFlag(Flags.AA);
        }
        return finish(response, answer, Rcode.NOERROR, Outcome.REFERRAL);
      }
      if (found.isSuccessful()) {
        for (RRset set : found.answers()) {
          for (Record r : set.rrs(false)) {
            answer.add(withOwner(r, qname));
          }
        }
        if (qtype == Type.NS && qname.equals(zone.getOrigin())) {
          addGlue(zone, response, zone.getNS());
        } else {
          addAll(response, zone.getNS(), Section.AUTHORITY);
          addTargetAddresses(zone, response, found.answers());
        }
        return finish(response, answer, Rcode.NOERROR, Outcome.ANSWER);
      }
      response.addRecord(zone.getSOA(), Section.AUTHORITY);
      boolean exists = !found.isNXDOMAIN() || data.existingNames().contains(qname);
      if (!exists && answer.isEmpty()) {
        return finish(response, answer, Rcode.NXDOMAIN, Outcome.NXDOMAIN);
      }
      // RFC 6604 §3: at the end of a CNAME chain the rcode is that of the last name
      return finish(response, answer, exists ? Rcode.NOERROR : Rcode.NXDOMAIN,
          answer.isEmpty() ? Outcome.NODATA : Outcome.ANSWER);
    }
    addAll(response, zone.getNS(), Section.AUTHORITY);
    return finish(response, answer, Rcode.NOERROR, Outcome.ANSWER);
  }

  private static Result finish(Message response, List<Record> answer, int rcode, Outcome outcome) {
    for (Record r : answer) {
      response.addRecord(r, Section.ANSWER);
    }
    response.getHeader().setRcode(rcode);
    return new Result(response, outcome);
  }

  /** Wildcard answers are synthesized with the queried name as owner (RFC 4592 §3.3.1). */
  private static Record withOwner(Record r, Name owner) {
    return r.getName().equals(owner) ? r : r.withName(owner);
  }

  private static void addAll(Message response, RRset set, int section) {
    if (set != null) {
      for (Record r : set.rrs(false)) {
        response.addRecord(r, section);
      }
    }
  }

  private static void addGlue(Zone zone, Message response, RRset ns) {
    if (ns == null) {
      return;
    }
    for (Record r : ns.rrs(false)) {
      addAddresses(zone, response, ((NSRecord) r).getTarget());
    }
  }

  private static void addTargetAddresses(Zone zone, Message response, List<RRset> answers) {
    for (RRset set : answers) {
      for (Record r : set.rrs(false)) {
        Name target = switch (r.getType()) {
          case Type.MX -> ((MXRecord) r).getTarget();
          case Type.SRV -> ((SRVRecord) r).getTarget();
          case Type.NS -> ((NSRecord) r).getTarget();
          default -> null;
        };
        if (target != null) {
          addAddresses(zone, response, target);
        }
      }
    }
  }

  private static void addAddresses(Zone zone, Message response, Name target) {
    if (!target.subdomain(zone.getOrigin())) {
      return;
    }
    for (int type : new int[] {Type.A, Type.AAAA}) {
      RRset set = zone.findExactMatch(target, type);
      if (set != null) {
        for (Record r : set.rrs(false)) {
          if (!response.findRecord(r, Section.ADDITIONAL)) {
            response.addRecord(r, Section.ADDITIONAL);
          }
        }
      }
    }
  }
}
