package dev.corvus.dns.plugin.file;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.HTTPSRecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SVCBRecord;
import org.xbill.DNS.Type;

/**
 * The authoritative lookup of RFC 1034 §4.3.2 in one zone, as CoreDNS's {@code file} plugin
 * answers it:
 *
 * <ol>
 *   <li>Walk down from the origin towards the query name. A DNAME above the name substitutes it
 *       (RFC 6672 §3.3); a zone cut (NS below the origin) makes a referral; the first name that does
 *       not exist ends the walk, its parent being the closest encloser (RFC 4592 §3.3.1). Names exist
 *       when they own records or a name below them does (empty non-terminals).
 *   <li>If the query name exists: its CNAME (unless CNAME was asked), its records of the type, or
 *       NODATA.
 *   <li>If not: the wildcard {@code *.<closest encloser>}, and only that one, is the source of
 *       synthesis; it answers with its CNAME or its records of the type (owner: the query name), or
 *       NODATA when it owns neither, or is itself empty. Without it: NXDOMAIN.
 *   <li>An alias inside the zone is followed (with the target's lookup from the start); one leaving
 *       the zone is left to the server ({@link Outcome#EXTERNAL}).
 * </ol>
 */
final class ZoneLookup {

  /** How many aliases are followed before the chain so far is the answer. */
  static final int MAX_CHASE = 8;

  private static final Name WILDCARD = Name.fromConstantString("*");

  /** How a lookup ended. */
  enum Outcome {
    /** The records of the type (after any aliases). */
    ANSWER,
    /** The name exists, without records of the type. */
    NODATA,
    /** The name exists only because names below it do; CoreDNS's {@code fallthrough} passes it on. */
    EMPTY_NON_TERMINAL,
    /** The name does not exist. */
    NXDOMAIN,
    /** The name is at or below a zone cut. */
    REFERRAL,
    /** An alias leads out of the zone: the server must be asked for {@link ZoneAnswer#external()}. */
    EXTERNAL
  }

  /**
   * What the zone answers.
   *
   * @param answer the answer section: aliases followed, then the records found
   * @param authority the apex NS, the SOA (negative answers) or the zone cut's NS (referrals)
   * @param additional addresses of in-zone targets (MX, SRV, SVCB, HTTPS) or of name servers
   * @param external the name to resolve through the server, for {@link Outcome#EXTERNAL}
   */
  record ZoneAnswer(Outcome outcome, List<Record> answer, List<Record> authority, List<Record> additional,
      Name external) {}

  /** One name's lookup, before any alias is followed. */
  private sealed interface Step {
    /** The records (and their signatures, when asked), synthesized from a wildcard or not. */
    record Found(List<Record> records, boolean synthesized) implements Step {}

    record Alias(List<Record> records, Name target, boolean synthesized) implements Step {}

    /** No data; {@code node} is the name whose NSEC proves it, {@code null} for an empty non-terminal. */
    record NoData(boolean emptyNonTerminal, Name node) implements Step {}

    record NameError(Name encloser) implements Step {}

    record Referral(List<Record> ns) implements Step {}
  }

  private ZoneLookup() {}

  /** Answers {@code qname} and {@code qtype} from {@code zone}; the name must be in the zone. */
  static ZoneAnswer lookup(ZoneData zone, Name qname, int qtype) {
    return lookup(zone, qname, qtype, false);
  }

  /**
   * Answers {@code qname} and {@code qtype} from {@code zone}, with the DNSSEC records of a signed
   * zone when {@code dnssec} (the query's DO bit, RFC 4035 §3.1): the RRSIGs of every RRset
   * returned, and the NSEC records (with theirs) that prove a name or type does not exist, or that
   * no closer name matched a wildcard (§3.1.3), as CoreDNS's {@code file} adds them.
   */
  static ZoneAnswer lookup(ZoneData zone, Name qname, int qtype, boolean dnssec) {
    boolean signing = dnssec && zone.signed();
    List<Record> answer = new ArrayList<>();
    List<Record> proofs = new ArrayList<>();
    Set<Name> seen = new HashSet<>();
    Name name = qname;
    while (true) {
      Step step = step(zone, name, qtype, signing, dnssec);
      if (step instanceof Step.Found found) {
        answer.addAll(found.records());
        if (found.synthesized() && signing) {
          nsec(zone, zone.nsecOwnerFor(name), proofs); // RFC 4035 §3.1.3.3: no closer match exists
        }
        boolean apexNs = seen.isEmpty() && qtype == Type.NS && name.equals(zone.origin());
        // CoreDNS: the apex NS answer carries the servers' addresses and no authority section
        return apexNs
            ? new ZoneAnswer(Outcome.ANSWER, answer, List.of(), addresses(zone, nsTargets(answer), signing), null)
            : new ZoneAnswer(Outcome.ANSWER, answer, plus(apexNs(zone, signing), proofs),
                addresses(zone, targets(zone, answer), signing), null);
      }
      if (step instanceof Step.Alias alias) {
        answer.addAll(alias.records());
        if (alias.synthesized() && signing) {
          nsec(zone, zone.nsecOwnerFor(name), proofs);
        }
        seen.add(name);
        Name target = alias.target();
        if (!target.subdomain(zone.origin())) {
          return new ZoneAnswer(Outcome.EXTERNAL, answer, List.of(), List.of(), target);
        }
        if (seen.contains(target) || seen.size() > MAX_CHASE) {
          // a loop or a long chain: the chain so far
          return new ZoneAnswer(Outcome.ANSWER, answer, plus(apexNs(zone, signing), proofs),
              addresses(zone, targets(zone, answer), signing), null);
        }
        name = target;
        continue;
      }
      if (step instanceof Step.Referral referral) {
        return new ZoneAnswer(Outcome.REFERRAL, answer, referral.ns(),
            addresses(zone, nsTargets(referral.ns()), false), null);
      }
      List<Record> authority = soa(zone, signing);
      authority.addAll(proofs);
      if (step instanceof Step.NoData noData) {
        if (signing) {
          // RFC 4035 §3.1.3.1: the name's NSEC shows the type is missing; an empty non-terminal
          // has none, the NSEC before it shows nothing owns it
          nsec(zone, noData.node() != null ? noData.node() : zone.nsecOwnerFor(name), authority);
        }
        Outcome outcome = noData.emptyNonTerminal() ? Outcome.EMPTY_NON_TERMINAL : Outcome.NODATA;
        return new ZoneAnswer(outcome, answer, authority, addresses(zone, targets(zone, answer), signing), null);
      }
      if (signing && step instanceof Step.NameError error) {
        // RFC 4035 §3.1.3.2: the NSEC covering the name, and the one covering the wildcard
        Name covering = zone.nsecOwnerFor(name);
        nsec(zone, covering, authority);
        if (error.encloser() != null) {
          try {
            Name wildcardDenial = zone.nsecOwnerFor(Name.concatenate(WILDCARD, error.encloser()));
            if (wildcardDenial != null && !wildcardDenial.equals(covering)) {
              nsec(zone, wildcardDenial, authority);
            }
          } catch (NameTooLongException e) {
            // no wildcard can exist there
          }
        }
      }
      // RFC 6604 §3: after aliases the rcode is that of the last name
      return new ZoneAnswer(Outcome.NXDOMAIN, answer, authority, addresses(zone, targets(zone, answer), signing), null);
    }
  }

  private static List<Record> plus(List<Record> first, List<Record> second) {
    if (second.isEmpty()) {
      return first;
    }
    List<Record> out = new ArrayList<>(first);
    out.addAll(second);
    return out;
  }

  /** The SOA, with its signatures when signing: the authority section of negative answers. */
  private static List<Record> soa(ZoneData zone, boolean signing) {
    List<Record> out = new ArrayList<>();
    out.add(zone.soa());
    if (signing) {
      out.addAll(zone.signatures(zone.origin(), Type.SOA));
    }
    return out;
  }

  /** Adds the NSEC record at {@code owner} and its signatures to {@code out}. */
  private static void nsec(ZoneData zone, Name owner, List<Record> out) {
    if (owner != null) {
      out.addAll(zone.records(owner, Type.NSEC));
      out.addAll(zone.signatures(owner, Type.NSEC));
    }
  }

  /** The apex NS records, with their signatures when signing. */
  private static List<Record> apexNs(ZoneData zone, boolean signing) {
    if (!signing) {
      return apexNs(zone);
    }
    List<Record> out = new ArrayList<>(apexNs(zone));
    out.addAll(zone.signatures(zone.origin(), Type.NS));
    return out;
  }

  /**
   * The records that answer the final step of a chain the server resolved: additional addresses
   * of in-zone targets among {@code answer}.
   */
  static List<Record> additionalFor(ZoneData zone, List<Record> answer) {
    return addresses(zone, targets(zone, answer));
  }

  /** The apex NS records, the authority section of positive answers. */
  static List<Record> apexNs(ZoneData zone) {
    return zone.records(zone.origin(), Type.NS);
  }

  private static Step step(ZoneData zone, Name qname, int qtype, boolean signing, boolean dnssec) {
    Name origin = zone.origin();
    int below = qname.labels() - origin.labels();
    Name encloser = origin;
    for (int depth = 0; depth <= below; depth++) {
      Name name = depth == below ? qname : new Name(qname, below - depth);
      if (!zone.exists(name)) {
        return wildcard(zone, qname, qtype, encloser, signing);
      }
      encloser = name;
      if (depth < below) {
        List<Record> dname = zone.records(name, Type.DNAME);
        if (!dname.isEmpty()) {
          return substitute(qname, qtype, (DNAMERecord) dname.get(0),
              signing ? zone.signatures(name, Type.DNAME) : List.of());
        }
      }
      List<Record> ns = zone.records(name, Type.NS);
      // a DS query for the cut itself is answered by this (the parent) zone, RFC 4035 §3.1.4.1
      if (depth > 0 && !ns.isEmpty() && !(qtype == Type.DS && depth == below)) {
        if (dnssec) {
          // CoreDNS: a referral to a DO query carries the DS RRset and its signatures (RFC 4035
          // §3.1.4), in an unsigned zone too (dnssec signs it then)
          List<Record> withDs = new ArrayList<>(ns);
          withDs.addAll(zone.records(name, Type.DS));
          withDs.addAll(zone.signatures(name, Type.DS));
          return new Step.Referral(withDs);
        }
        return new Step.Referral(ns);
      }
    }
    if (!zone.hasRecords(qname)) {
      return new Step.NoData(true, null);
    }
    return typed(zone, qname, qtype, null, signing);
  }

  /** RFC 4592 §3.3.1: only {@code *.<closest encloser>} may synthesize the answer. */
  private static Step wildcard(ZoneData zone, Name qname, int qtype, Name encloser, boolean signing) {
    Name source;
    try {
      source = Name.concatenate(WILDCARD, encloser);
    } catch (NameTooLongException e) {
      return new Step.NameError(null);
    }
    if (!zone.exists(source)) {
      return new Step.NameError(encloser);
    }
    if (!zone.hasRecords(source)) {
      return new Step.NoData(false, null); // an empty non-terminal wildcard matches, with no data
    }
    return typed(zone, source, qtype, qname.canonicalize(), signing);
  }

  /**
   * The CNAME or the records of {@code qtype} at {@code name}, owned by {@code owner} when
   * synthesized, followed by their signatures when signing (a wildcard's keep its label count, so
   * a validator sees the synthesis, RFC 4035 §5.3.4).
   */
  private static Step typed(ZoneData zone, Name name, int qtype, Name owner, boolean signing) {
    if (qtype != Type.CNAME) {
      List<Record> cname = zone.records(name, Type.CNAME);
      if (!cname.isEmpty()) {
        return new Step.Alias(signed(zone, name, Type.CNAME, owner, cname, signing),
            ((CNAMERecord) cname.get(0)).getTarget(), owner != null);
      }
    }
    List<Record> records = zone.records(name, qtype);
    return records.isEmpty()
        ? new Step.NoData(false, name)
        : new Step.Found(signed(zone, name, qtype, owner, records, signing), owner != null);
  }

  private static List<Record> signed(ZoneData zone, Name name, int type, Name owner, List<Record> records,
      boolean signing) {
    List<Record> owned = owned(records, owner);
    if (!signing || type == Type.RRSIG) {
      return owned;
    }
    List<Record> out = new ArrayList<>(owned);
    out.addAll(owned(zone.signatures(name, type), owner));
    return out;
  }

  /** RFC 6672 §2.2: the DNAME and the CNAME it synthesizes; a CNAME query gets both and no more. */
  private static Step substitute(Name qname, int qtype, DNAMERecord dname, List<Record> signatures) {
    Name owner = qname.canonicalize();
    Name target;
    try {
      target = owner.fromDNAME(dname);
    } catch (NameTooLongException e) {
      // RFC 6672 §2.2 would answer YXDOMAIN; the name cannot exist
      return new Step.NameError(null);
    }
    List<Record> records = new ArrayList<>();
    records.add(dname);
    records.addAll(signatures);
    records.add(new CNAMERecord(owner, dname.getDClass(), dname.getTTL(), target));
    return qtype == Type.CNAME ? new Step.Found(records, false) : new Step.Alias(records, target, false);
  }

  private static List<Record> owned(List<Record> records, Name owner) {
    if (owner == null) {
      return records;
    }
    List<Record> out = new ArrayList<>(records.size());
    for (Record r : records) {
      out.add(r.withName(owner));
    }
    return out;
  }

  /** Targets that get their addresses in the additional section (CoreDNS: MX, SRV, SVCB, HTTPS). */
  private static Set<Name> targets(ZoneData zone, List<Record> answer) {
    Set<Name> targets = new LinkedHashSet<>();
    for (Record r : answer) {
      Name target = switch (r.getType()) {
        case Type.MX -> ((MXRecord) r).getTarget();
        case Type.SRV -> ((SRVRecord) r).getTarget();
        case Type.SVCB -> ((SVCBRecord) r).getTargetName();
        case Type.HTTPS -> ((HTTPSRecord) r).getTargetName();
        default -> null;
      };
      if (target != null && target.subdomain(zone.origin())) {
        targets.add(target);
      }
    }
    return targets;
  }

  private static Set<Name> nsTargets(List<Record> ns) {
    Set<Name> targets = new LinkedHashSet<>();
    for (Record r : ns) {
      if (r instanceof NSRecord record) {
        targets.add(record.getTarget());
      }
    }
    return targets;
  }

  /** The A and AAAA records the zone holds for {@code names} (exact names, no wildcards). */
  private static List<Record> addresses(ZoneData zone, Set<Name> names) {
    return addresses(zone, names, false);
  }

  /** The same, with the addresses' signatures when signing (glue has none). */
  private static List<Record> addresses(ZoneData zone, Set<Name> names, boolean signing) {
    List<Record> out = new ArrayList<>();
    for (Name name : names) {
      out.addAll(zone.records(name, Type.A));
      if (signing) {
        out.addAll(zone.signatures(name, Type.A));
      }
      out.addAll(zone.records(name, Type.AAAA));
      if (signing) {
        out.addAll(zone.signatures(name, Type.AAAA));
      }
    }
    return out;
  }
}
