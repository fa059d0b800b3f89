package dev.corvus.dns.plugin.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.HTTPSRecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SVCBBase;
import org.xbill.DNS.SVCBRecord;
import org.xbill.DNS.Type;

/**
 * One zone loaded from a master file: its records by owner name and type, and the names that
 * exist without records of their own (empty non-terminals, RFC 4592 §2.2.2).
 *
 * <p>Names are normalised as CoreDNS's {@code file} plugin stores them, so that answers carry the
 * same spelling: owner names in lower case except those of SRV records, and the targets of CNAME,
 * MX, NS, SVCB and HTTPS records and the SOA's names in lower case.
 */
public final class ZoneData {

  /** A master file (or a transferred copy) that does not parse or does not make a zone. */
  public static final class ZoneFileException extends Exception {
    private static final long serialVersionUID = 1L;

    ZoneFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Name origin;
  private final SOARecord soa;
  private final Map<Name, Map<Integer, List<Record>>> nodes;
  private final Set<Name> nonTerminals;
  private volatile List<Record> transferOrder;
  private final java.util.NavigableSet<Name> nsecOwners;
  private final boolean signed;

  private ZoneData(Name origin, SOARecord soa, Map<Name, Map<Integer, List<Record>>> nodes, Set<Name> nonTerminals) {
    this.origin = origin;
    this.soa = soa;
    this.nodes = nodes;
    this.nonTerminals = nonTerminals;
    java.util.TreeSet<Name> owners = new java.util.TreeSet<>();
    boolean anySignature = false;
    for (Map.Entry<Name, Map<Integer, List<Record>>> node : nodes.entrySet()) {
      if (node.getValue().containsKey(Type.NSEC)) {
        owners.add(node.getKey());
      }
      anySignature |= node.getValue().containsKey(Type.RRSIG);
    }
    this.nsecOwners = java.util.Collections.unmodifiableNavigableSet(owners);
    this.signed = anySignature;
  }

  /**
   * Reads {@code file} as zone {@code origin}. Records outside the zone are ignored.
   *
   * @throws ZoneFileException naming {@code file:line} for syntax errors, or the file for a
   *     missing SOA or a record type the plugin cannot serve
   */
  public static ZoneData load(Path file, Name origin) throws ZoneFileException {
    List<Record> records = new ArrayList<>();
    try (Master master = new Master(file.toString(), origin)) {
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        if (r.getName().subdomain(origin)) {
          records.add(r);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ZoneFileException(located(file, origin, e), e);
    }
    return of(origin, records, file + ": zone " + origin);
  }

  /**
   * Makes a zone of {@code records} (a transferred copy, a file read elsewhere), which must all be
   * at or below {@code origin}.
   *
   * @param where names the source in error messages, e.g. {@code transfer from 192.0.2.1:53}
   * @throws ZoneFileException for a record outside the zone, a missing SOA or a record type the
   *     plugin cannot serve
   */
  public static ZoneData of(Name origin, List<Record> records, String where) throws ZoneFileException {
    Map<Name, Map<Integer, List<Record>>> nodes = new HashMap<>();
    SOARecord soa = null;
    for (Record r : records) {
      if (r.getType() == Type.NSEC3 || r.getType() == Type.NSEC3PARAM) {
        // CoreDNS refuses these zones too: NSEC3 denial of existence is not implemented
        throw new ZoneFileException(where + ": NSEC3 zones are not supported", null);
      }
      if (!r.getName().subdomain(origin)) {
        throw new ZoneFileException(where + ": record " + r.getName() + " " + Type.string(r.getType())
            + " is outside the zone", null);
      }
      Record stored = normalised(r);
      if (stored instanceof SOARecord s && stored.getName().equals(origin)) {
        if (soa != null) {
          continue; // a transfer's closing SOA, or a duplicate
        }
        soa = s;
      }
      nodes.computeIfAbsent(stored.getName(), n -> new HashMap<>())
          .computeIfAbsent(stored.getType(), t -> new ArrayList<>())
          .add(stored);
    }
    if (soa == null) {
      throw new ZoneFileException(where + ": no SOA record at the origin", null);
    }
    Set<Name> nonTerminals = new HashSet<>();
    for (Name owner : nodes.keySet()) {
      for (Name name = parent(owner); name != null && name.subdomain(origin) && nonTerminals.add(name); name = parent(name)) {
        if (name.equals(origin)) {
          break;
        }
      }
    }
    nodes.replaceAll((name, types) -> {
      types.replaceAll((type, rrs) -> List.copyOf(rrs));
      return Map.copyOf(types);
    });
    return new ZoneData(origin, soa, Map.copyOf(nodes), Set.copyOf(nonTerminals));
  }

  /** dnsjava's tokenizer prefixes "name:line: " with the bare file name; other failures do not. */
  private static String located(Path file, Name origin, Exception e) {
    String message = String.valueOf(e.getMessage());
    String bareName = file.getFileName() + ":";
    return message.startsWith(bareName)
        ? file + message.substring(bareName.length() - 1)
        : file + ": zone " + origin + ": " + message;
  }

  private static Record normalised(Record r) {
    Name owner = r.getType() == Type.SRV ? r.getName() : r.getName().canonicalize();
    Record lowered = switch (r.getType()) {
      case Type.CNAME -> new CNAMERecord(owner, r.getDClass(), r.getTTL(), ((CNAMERecord) r).getTarget().canonicalize());
      case Type.NS -> new NSRecord(owner, r.getDClass(), r.getTTL(), ((NSRecord) r).getTarget().canonicalize());
      case Type.MX -> {
        MXRecord mx = (MXRecord) r;
        yield new MXRecord(owner, r.getDClass(), r.getTTL(), mx.getPriority(), mx.getTarget().canonicalize());
      }
      case Type.SOA -> {
        SOARecord s = (SOARecord) r;
        yield new SOARecord(owner, r.getDClass(), r.getTTL(), s.getHost().canonicalize(), s.getAdmin().canonicalize(),
            s.getSerial(), s.getRefresh(), s.getRetry(), s.getExpire(), s.getMinimum());
      }
      case Type.SVCB -> {
        SVCBRecord s = (SVCBRecord) r;
        yield new SVCBRecord(owner, r.getDClass(), r.getTTL(), s.getSvcPriority(), s.getTargetName().canonicalize(),
            params(s));
      }
      case Type.HTTPS -> {
        HTTPSRecord s = (HTTPSRecord) r;
        yield new HTTPSRecord(owner, r.getDClass(), r.getTTL(), s.getSvcPriority(), s.getTargetName().canonicalize(),
            params(s));
      }
      default -> r;
    };
    return lowered.getName() == owner ? lowered : lowered.withName(owner);
  }

  private static List<SVCBBase.ParameterBase> params(SVCBBase record) {
    return record.getSvcParamKeys().stream().map(record::getSvcParamValue).toList();
  }

  private static Name parent(Name name) {
    return name.labels() <= 1 ? null : new Name(name, 1);
  }

  /** The zone's origin. */
  public Name origin() {
    return origin;
  }

  /** The SOA record at the origin, for negative answers. */
  public SOARecord soa() {
    return soa;
  }

  /** The SOA serial, to notice a changed file. */
  public long serial() {
    return soa.getSerial();
  }

  /** The records of {@code type} owned by {@code name}; empty when there are none. */
  List<Record> records(Name name, int type) {
    Map<Integer, List<Record>> node = nodes.get(name);
    return node == null ? List.of() : node.getOrDefault(type, List.of());
  }

  /** Whether {@code name} owns records. */
  boolean hasRecords(Name name) {
    return nodes.containsKey(name);
  }

  /** Whether {@code name} exists: it owns records or a name below it does (RFC 4592 §2.2.2). */
  boolean exists(Name name) {
    return nodes.containsKey(name) || nonTerminals.contains(name);
  }

  /**
   * Every record of the zone in transfer order (RFC 5936 §2.2): the SOA, the rest of the apex, then
   * the other names in canonical order (RFC 4034 §6.1); without the closing SOA. Computed once.
   */
  public List<Record> transferOrder() {
    List<Record> order = transferOrder;
    if (order == null) {
      List<Record> out = new ArrayList<>();
      out.add(soa);
      List<Name> names = new ArrayList<>(nodes.keySet());
      names.sort(null);
      for (Name name : names) {
        nodes.get(name).entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .forEach(entry -> {
              for (Record r : entry.getValue()) {
                if (r != soa) {
                  out.add(r);
                }
              }
            });
      }
      order = List.copyOf(out);
      transferOrder = order;
    }
    return order;
  }

  /** Whether the zone carries DNSSEC signatures (a signed zone file, RFC 4035 §2). */
  boolean signed() {
    return signed;
  }

  /** The RRSIG records at {@code name} that cover {@code type}. */
  List<Record> signatures(Name name, int type) {
    List<Record> all = records(name, Type.RRSIG);
    if (all.isEmpty()) {
      return all;
    }
    List<Record> out = new ArrayList<>(2);
    for (Record r : all) {
      if (((org.xbill.DNS.RRSIGRecord) r).getTypeCovered() == type) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * The owner of the NSEC record that covers or matches {@code name}: the last NSEC owner at or
   * before it in canonical order (RFC 4034 §6.1); {@code null} in an unsigned zone.
   */
  Name nsecOwnerFor(Name name) {
    return nsecOwners.floor(name);
  }
}
