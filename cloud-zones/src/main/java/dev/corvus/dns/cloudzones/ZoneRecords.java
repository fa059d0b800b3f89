package dev.corvus.dns.cloudzones;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * One listed zone's records (a Route 53 hosted zone, a Cloud DNS managed zone, an Azure DNS
 * zone), read-only once built, looked up as CoreDNS's file plugin looks up its zone (CoreDNS's
 * cloud DNS plugins keep their records in a {@code file.Zone}): delegations below the apex, CNAMEs
 * followed inside the zone, wildcards, NODATA and NXDOMAIN with the SOA.
 */
public final class ZoneRecords {

  /**
   * How CoreDNS's file plugin classifies a lookup. An empty non-terminal (a name with no records
   * but names below it) is its own case: the file plugin answers it NOERROR with the SOA, yet calls
   * it neither NODATA nor an answer, so CoreDNS's route53, clouddns and azure go on to the next
   * listed zone for it and {@code fallthrough} applies to it.
   */
  public enum Result {
    /** Records of the name and type (or a CNAME chain) were found. */
    SUCCESS,
    /** The name has records, none of the type asked: NOERROR with the SOA. */
    NO_DATA,
    /** No such name: NXDOMAIN with the SOA. */
    NAME_ERROR,
    /** The name is at or below a zone cut: a referral, not authoritative. */
    DELEGATION,
    /** The name has no records but names below it: NOERROR with the SOA, yet no NODATA. */
    EMPTY_NON_TERMINAL
  }

  /**
   * What a lookup found.
   *
   * @param result how the lookup is classified
   * @param answer the answer section: the records, or the CNAME chain followed inside the zone
   * @param authority the authority section: the apex NS with an answer, the SOA without one, the
   *     delegation's NS with a referral
   * @param additional in-zone addresses of NS, MX and SRV targets, or a referral's glue
   * @param cnameTarget where a CNAME chain leaves the zone, or {@code null}
   */
  public record Lookup(Result result, List<Record> answer, List<Record> authority, List<Record> additional,
      Name cnameTarget) {}

  /** CoreDNS's file plugin follows at most this many CNAMEs in one answer. */
  private static final int MAX_CNAME_CHAIN = 8;

  private static final Name WILDCARD = Name.fromConstantString("*");

  private final Name origin;
  private final SOARecord soa;
  private final Map<Name, Map<Integer, List<Record>>> names;
  /** Every name that exists, including empty non-terminals (RFC 4592 §2.2.2). */
  private final Set<Name> existing;

  private ZoneRecords(Name origin, SOARecord soa, Map<Name, Map<Integer, List<Record>>> names) {
    this.origin = origin;
    this.soa = soa;
    this.names = names;
    this.existing = new HashSet<>();
    for (Name name : names.keySet()) {
      for (Name n = name; n.subdomain(origin) && existing.add(n) && !n.equals(origin); n = parent(n)) {
        // walks up to the apex, stopping at a name already marked
      }
    }
  }

  /** Collects records into a new zone. */
  public static final class Builder {
    private final Name origin;
    private SOARecord soa;
    private final Map<Name, Map<Integer, List<Record>>> names = new HashMap<>();

    /** A builder for the zone whose apex is {@code origin}. */
    public Builder(Name origin) {
      this.origin = origin;
    }

    /**
     * Adds a record. As CoreDNS's file.Zone does, an SOA becomes the zone's SOA whatever its
     * owner; other records outside the zone are kept out (no query can reach them).
     */
    public Builder add(Record record) {
      if (record instanceof SOARecord s) {
        soa = s;
        return this;
      }
      if (!record.getName().subdomain(origin)) {
        return this;
      }
      names.computeIfAbsent(record.getName(), n -> new HashMap<>())
          .computeIfAbsent(record.getType(), t -> new ArrayList<>())
          .add(record);
      return this;
    }

    /** The zone holding every record added so far. */
    public ZoneRecords build() {
      return new ZoneRecords(origin, soa, names);
    }
  }

  /** How many records the zone holds, its SOA included. */
  public int size() {
    int count = soa == null ? 0 : 1;
    for (Map<Integer, List<Record>> types : names.values()) {
      for (List<Record> records : types.values()) {
        count += records.size();
      }
    }
    return count;
  }

  /**
   * Looks {@code qname} up as CoreDNS's file plugin does; {@code qname} is at or below the apex.
   * A CNAME is followed inside the zone, up to 8 times.
   */
  public Lookup lookup(Name qname, int qtype) {
    if (qname.equals(origin) && qtype == Type.SOA && soa != null) {
      return new Lookup(Result.SUCCESS, List.of(soa), apexNs(), List.of(), null);
    }
    List<Record> answer = new ArrayList<>();
    Name name = qname;
    for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      Lookup step = lookupOne(name, qtype);
      if (step.cnameTarget() == null || qtype == Type.CNAME) {
        answer.addAll(step.answer());
        if (!answer.isEmpty() && step.result() != Result.SUCCESS) {
          // a CNAME chain ending in NODATA or NXDOMAIN: the chain is the answer (RFC 6604 §3)
          return new Lookup(Result.SUCCESS, answer, step.authority(), step.additional(), null);
        }
        return new Lookup(step.result(), answer, step.authority(), step.additional(), null);
      }
      answer.addAll(step.answer());
      Name target = step.cnameTarget();
      if (!target.subdomain(origin)) {
        return new Lookup(Result.SUCCESS, answer, apexNs(), List.of(), target);
      }
      name = target;
    }
    return new Lookup(Result.SUCCESS, answer, apexNs(), List.of(), null);
  }

  /** One name without following its CNAME; {@code cnameTarget} is set when the name is an alias. */
  private Lookup lookupOne(Name qname, int qtype) {
    // a zone cut between the apex and the name: refer (RFC 1034 §4.3.2 step 3b)
    int below = qname.labels() - origin.labels();
    for (int i = below - 1; i >= 0; i--) {
      Name cut = suffix(qname, origin.labels() + (below - i));
      List<Record> ns = records(cut, Type.NS);
      if (!ns.isEmpty() && !(cut.equals(qname) && qtype == Type.DS)) {
        return new Lookup(Result.DELEGATION, List.of(), ns, glue(ns), null);
      }
    }
    Map<Integer, List<Record>> types = names.get(qname);
    if (types == null) {
      if (existing.contains(qname)) {
        return new Lookup(Result.EMPTY_NON_TERMINAL, List.of(), soaOnly(), List.of(), null);
      }
      Map<Integer, List<Record>> wildcard = wildcardFor(qname);
      if (wildcard == null) {
        return new Lookup(Result.NAME_ERROR, List.of(), soaOnly(), List.of(), null);
      }
      types = synthesize(wildcard, qname);
    }
    List<Record> cname = types.getOrDefault(Type.CNAME, List.of());
    if (!cname.isEmpty() && qtype != Type.CNAME) {
      return new Lookup(Result.SUCCESS, cname, List.of(), List.of(), ((CNAMERecord) cname.get(0)).getTarget());
    }
    List<Record> found = types.getOrDefault(qtype, List.of());
    if (found.isEmpty()) {
      return noData();
    }
    List<Record> authority = qtype == Type.NS && qname.equals(origin) ? List.of() : apexNs();
    return new Lookup(Result.SUCCESS, found, authority, additional(found), null);
  }

  /** The records of {@code *.E} for the closest encloser E of {@code qname} (RFC 4592 §3.3.1). */
  private Map<Integer, List<Record>> wildcardFor(Name qname) {
    for (Name n = parent(qname); n.subdomain(origin); n = parent(n)) {
      if (existing.contains(n)) {
        return names.get(wildcard(n));
      }
      if (n.equals(origin)) {
        break;
      }
    }
    return null;
  }

  private static Map<Integer, List<Record>> synthesize(Map<Integer, List<Record>> wildcard, Name owner) {
    Map<Integer, List<Record>> out = new HashMap<>();
    wildcard.forEach((type, records) -> {
      List<Record> renamed = new ArrayList<>();
      for (Record record : records) {
        renamed.add(record.withName(owner));
      }
      out.put(type, renamed);
    });
    return out;
  }

  private Lookup noData() {
    return new Lookup(Result.NO_DATA, List.of(), soaOnly(), List.of(), null);
  }

  private List<Record> soaOnly() {
    return soa == null ? List.of() : List.of(soa);
  }

  private List<Record> apexNs() {
    return records(origin, Type.NS);
  }

  private List<Record> records(Name name, int type) {
    Map<Integer, List<Record>> types = names.get(name);
    return types == null ? List.of() : types.getOrDefault(type, List.of());
  }

  /** In-zone addresses of the targets of NS, MX and SRV answers, as the file plugin adds them. */
  private List<Record> additional(List<Record> answer) {
    List<Record> extra = new ArrayList<>();
    for (Record record : answer) {
      Name target = null;
      if (record instanceof NSRecord ns) {
        target = ns.getTarget();
      } else if (record instanceof MXRecord mx) {
        target = mx.getTarget();
      } else if (record instanceof SRVRecord srv) {
        target = srv.getTarget();
      }
      if (target != null && target.subdomain(origin)) {
        extra.addAll(records(target, Type.A));
        extra.addAll(records(target, Type.AAAA));
      }
    }
    return extra;
  }

  private List<Record> glue(List<Record> ns) {
    List<Record> extra = new ArrayList<>();
    for (Record record : ns) {
      Name target = ((NSRecord) record).getTarget();
      extra.addAll(records(target, Type.A));
      extra.addAll(records(target, Type.AAAA));
    }
    return extra;
  }

  private static Name parent(Name name) {
    return new Name(name, 1);
  }

  private static Name suffix(Name name, int labels) {
    return new Name(name, name.labels() - labels);
  }

  private static Name wildcard(Name parent) {
    try {
      return Name.concatenate(WILDCARD, parent);
    } catch (NameTooLongException e) {
      return WILDCARD; // no such owner can exist in the zone, so nothing matches it
    }
  }
}
