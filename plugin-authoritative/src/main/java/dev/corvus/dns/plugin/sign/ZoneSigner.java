package dev.corvus.dns.plugin.sign;

import dev.corvus.dns.plugin.dnssec.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Signs a zone as CoreDNS's <i>sign</i> does (RFC 4035 §2): every authoritative RRset gets an
 * RRSIG per key, every authoritative name and delegation an NSEC (TTL: the SOA minimum) in
 * canonical order, the apex the keys' DNSKEY, CDNSKEY and CDS (SHA-1 and SHA-256) records, and the
 * SOA the signing time as serial. Delegations get only their DS and NSEC signed; names below them
 * (glue) are neither signed nor chained. Earlier DNSSEC records of the input are replaced.
 */
final class ZoneSigner {

  /** Signatures start 3 hours back, less up to 18 hours of jitter. */
  static final Duration INCEPTION = Duration.ofHours(3);
  static final Duration INCEPTION_JITTER = Duration.ofHours(18);
  /** Signatures last 32 days, plus up to 5 days of jitter. */
  static final Duration VALIDITY = Duration.ofDays(32);
  static final Duration EXPIRATION_JITTER = Duration.ofDays(5);

  private ZoneSigner() {}

  /** The signed zone, in canonical order (SOA first). */
  static List<Record> sign(Name origin, List<Record> input, List<KeyPair> keys, Instant now, RandomGenerator random)
      throws DNSSEC.DNSSECException {
    Instant inception = now.minus(INCEPTION).minusSeconds(random.nextLong(INCEPTION_JITTER.toSeconds()));
    Instant expiration = now.plus(VALIDITY).plusSeconds(random.nextLong(EXPIRATION_JITTER.toSeconds()));
    SOARecord soa = null;
    List<Record> records = new ArrayList<>();
    for (Record r : input) {
      int type = r.getType();
      boolean apex = r.getName().equals(origin);
      if (type == Type.RRSIG || type == Type.NSEC || type == Type.NSEC3 || type == Type.NSEC3PARAM
          || (apex && (type == Type.DNSKEY || type == Type.CDS || type == Type.CDNSKEY))) {
        continue;
      }
      if (r instanceof SOARecord s && apex) {
        // the SOA's serial is the signing time (CoreDNS: Unix epoch)
        soa = new SOARecord(origin, s.getDClass(), s.getTTL(), s.getHost(), s.getAdmin(), now.getEpochSecond(),
            s.getRefresh(), s.getRetry(), s.getExpire(), s.getMinimum());
        continue;
      }
      records.add(r);
    }
    if (soa == null) {
      throw new IllegalArgumentException("zone " + origin + " has no SOA record at its origin");
    }
    records.add(soa);
    for (KeyPair key : keys) {
      DNSKEYRecord dnskey = new DNSKEYRecord(origin, key.dnskey().getDClass(), soa.getTTL(), key.dnskey().getFlags(),
          key.dnskey().getProtocol(), key.dnskey().getAlgorithm(), key.dnskey().getKey());
      records.add(dnskey);
      records.add(new CDNSKEYRecord(origin, dnskey.getDClass(), soa.getTTL(), dnskey.getFlags(), dnskey.getProtocol(),
          dnskey.getAlgorithm(), dnskey.getKey()));
      for (int digest : new int[] {DNSSEC.Digest.SHA1, DNSSEC.Digest.SHA256}) {
        DSRecord ds = new DSRecord(origin, dnskey.getDClass(), soa.getTTL(), digest, dnskey);
        records.add(new CDSRecord(origin, ds.getDClass(), ds.getTTL(), ds.getFootprint(), ds.getAlgorithm(),
            ds.getDigestID(), ds.getDigest()));
      }
    }

    // RRsets by owner in canonical order, types in order of appearance
    TreeMap<Name, Map<Integer, RRset>> names = new TreeMap<>();
    for (Record r : records) {
      names.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>())
          .computeIfAbsent(r.getType(), t -> new RRset())
          .addRR(r);
    }
    Set<Name> cuts = new HashSet<>();
    for (Map.Entry<Name, Map<Integer, RRset>> node : names.entrySet()) {
      if (!node.getKey().equals(origin) && node.getValue().containsKey(Type.NS)) {
        cuts.add(node.getKey());
      }
    }
    List<Name> chain = new ArrayList<>();
    for (Name name : names.keySet()) {
      if (!occluded(name, origin, cuts)) {
        chain.add(name);
      }
    }

    List<Record> out = new ArrayList<>();
    long nsecTtl = soa.getMinimum();
    for (int i = 0; i < chain.size(); i++) {
      Name name = chain.get(i);
      Map<Integer, RRset> rrsets = names.get(name);
      boolean cut = cuts.contains(name);
      for (RRset rrset : rrsets.values()) {
        rrset.rrs(false).forEach(out::add);
        if (!cut || rrset.getType() == Type.DS) {
          for (KeyPair key : keys) {
            out.add(DNSSEC.sign(rrset, dnskeyOf(key, records, origin), key.privateKey(), inception, expiration));
          }
        }
      }
      List<Integer> types = new ArrayList<>(rrsets.keySet());
      types.add(Type.NSEC);
      types.add(Type.RRSIG);
      NSECRecord nsec = new NSECRecord(name, soa.getDClass(), nsecTtl, chain.get((i + 1) % chain.size()),
          types.stream().mapToInt(Integer::intValue).toArray());
      out.add(nsec);
      RRset nsecSet = new RRset(nsec);
      for (KeyPair key : keys) {
        out.add(DNSSEC.sign(nsecSet, dnskeyOf(key, records, origin), key.privateKey(), inception, expiration));
      }
    }
    // glue and other occluded data, unsigned, after the chain
    for (Map.Entry<Name, Map<Integer, RRset>> node : names.entrySet()) {
      if (occluded(node.getKey(), origin, cuts)) {
        node.getValue().values().forEach(rrset -> rrset.rrs(false).forEach(out::add));
      }
    }
    return out;
  }

  /** The DNSKEY as published (owner and TTL of the zone), which the signatures name. */
  private static DNSKEYRecord dnskeyOf(KeyPair key, List<Record> records, Name origin) {
    for (Record r : records) {
      if (r instanceof DNSKEYRecord d && r.getName().equals(origin) && d.getFootprint() == key.tag()
          && d.getAlgorithm() == key.dnskey().getAlgorithm()) {
        return d;
      }
    }
    return key.dnskey();
  }

  /** Whether {@code name} lies strictly below a delegation (RFC 4035 §2.2: not signed). */
  private static boolean occluded(Name name, Name origin, Set<Name> cuts) {
    for (Name n = name; n.labels() > origin.labels(); n = new Name(n, 1)) {
      if (!n.equals(name) && cuts.contains(n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why the zone in {@code signed} must be signed again, or {@code null} when it need not: its SOA
   * signature was made more than 6 days ago or expires within 7 days (CoreDNS's checks).
   */
  static String resignReason(List<Record> signed, Name origin, Instant now) {
    for (Record r : signed) {
      if (r instanceof org.xbill.DNS.RRSIGRecord sig && sig.getTypeCovered() == Type.SOA && r.getName().equals(origin)) {
        Instant inception = sig.getTimeSigned();
        if (Duration.between(inception, now).compareTo(Duration.ofDays(6)) > 0) {
          return "inception " + inception + " was more than 6 days ago";
        }
        if (Duration.between(now, sig.getExpire()).compareTo(Duration.ofDays(7)) < 0) {
          return "expiration " + sig.getExpire() + " is less than 7 days away";
        }
        return null;
      }
    }
    return "no SOA signature in the signed zone";
  }
}
