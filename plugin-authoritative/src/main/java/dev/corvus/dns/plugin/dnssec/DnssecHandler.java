package dev.corvus.dns.plugin.dnssec;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.PluginContext;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Signs answers on the fly, as CoreDNS's <i>dnssec</i>: for a query with the DO bit in one of its
 * zones, every RRset of the answer, authority and additional sections owned inside the zones gets
 * RRSIGs (inception 3 hours ago, expiration in 8 days); NXDOMAIN and NODATA answers get the SOA
 * signed and an NSEC "black lie" for the query name (draft-valsorda-dnsop-black-lies), NXDOMAIN
 * turning into NODATA; delegations get their DS signed, or a black-lie NSEC without DS. A DNSKEY
 * query for a zone's apex is answered with the keys, owned by the zone.
 */
final class DnssecHandler implements Handler {

  private static final Logger log = LoggerFactory.getLogger(DnssecHandler.class);

  static final Duration INCEPTION = Duration.ofHours(3);
  static final Duration VALIDITY = Duration.ofDays(8);
  static final long DNSKEY_TTL = 3600;

  private static final int[] ZONE_BITMAP = {Type.A, Type.HINFO, Type.TXT, Type.AAAA, Type.LOC, Type.SRV, Type.CERT,
      Type.SSHFP, Type.RRSIG, Type.NSEC, Type.TLSA, Type.HIP, Type.OPENPGPKEY, Type.SPF};
  private static final int[] APEX_BITMAP = {Type.A, Type.NS, Type.SOA, Type.HINFO, Type.MX, Type.TXT, Type.AAAA,
      Type.LOC, Type.SRV, Type.CERT, Type.SSHFP, Type.RRSIG, Type.NSEC, Type.DNSKEY, Type.TLSA, Type.HIP,
      Type.OPENPGPKEY, Type.SPF};
  private static final int[] DELEGATION_BITMAP = {Type.A, Type.NS, Type.HINFO, Type.TXT, Type.AAAA, Type.LOC,
      Type.SRV, Type.CERT, Type.SSHFP, Type.RRSIG, Type.NSEC, Type.TLSA, Type.HIP, Type.OPENPGPKEY, Type.SPF};

  private enum Kind { ANSWER, DELEGATION, NAME_ERROR, NO_DATA }

  private final DnssecConfig config;
  private final boolean split;
  private final Clock clock;
  private final SignatureCache cache;
  private final Counter.Child hits;
  private final Counter.Child misses;

  DnssecHandler(DnssecConfig config, PluginContext context) {
    this.config = config;
    this.split = config.splitKeys();
    this.clock = context.clock();
    this.cache = new SignatureCache(config.cacheCapacity());
    Metrics metrics = context.metrics();
    String server = context.serverLabel();
    this.hits = metrics.counter("coredns_dnssec_cache_hits_total", "The count of cache hits.", "server").labels(server);
    this.misses = metrics.counter("coredns_dnssec_cache_misses_total", "The count of cache misses.", "server")
        .labels(server);
    metrics.gaugeFunction("coredns_dnssec_cache_entries", "The number of elements in the dnssec cache.",
        List.of("server", "type"), () -> List.of(new Metrics.Sample(List.of(server, "signature"), cache.size())));
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name zone = Names.longestMatch(request.qname(), config.zones());
    if (zone == null) {
      return chain.proceed(request);
    }
    boolean dnssecOk = request.dnssecOk();
    if (chain.explaining()) {
      chain.note("zone " + zone + ": answers to DO queries are signed with key "
          + config.keys().stream().map(k -> k.tag() + " (" + DNSSEC.Algorithm.string(k.dnskey().getAlgorithm()) + ")")
              .toList() + (dnssecOk ? "" : "; this query has no DO bit, so nothing is signed"));
    }
    if (request.qtype() == Type.DNSKEY && request.qname().equals(zone)) {
      return Responses.completed(dnskeyAnswer(request, zone, dnssecOk, chain));
    }
    if (!dnssecOk) {
      return chain.proceed(request);
    }
    return chain.proceed(request).thenApply(response -> {
      try {
        return sign(request, zone, response, chain);
      } catch (DNSSEC.DNSSECException | RuntimeException e) {
        log.warn("dnssec: cannot sign the answer to {}: {}", request, e.toString());
        return response;
      }
    });
  }

  private Message dnskeyAnswer(Request request, Name zone, boolean dnssecOk, Chain chain) {
    Message response = Responses.reply(request);
    response.getHeader().setFlag(Flags.AA);
    List<Record> keys = new ArrayList<>();
    for (KeyPair key : config.keys()) {
      keys.add(dnskey(key, zone));
    }
    keys.forEach(k -> response.addRecord(k, Section.ANSWER));
    if (dnssecOk) {
      try {
        signatures(keys, zone, DNSKEY_TTL, chain).forEach(s -> response.addRecord(s, Section.ANSWER));
      } catch (DNSSEC.DNSSECException e) {
        log.warn("dnssec: cannot sign the DNSKEY RRset of {}: {}", zone, e.toString());
      }
    }
    return response;
  }

  /** A key as the zone publishes it: CoreDNS uses any key for any zone, owned by the zone. */
  private static DNSKEYRecord dnskey(KeyPair key, Name zone) {
    DNSKEYRecord k = key.dnskey();
    return new DNSKEYRecord(zone, DClass.IN, DNSKEY_TTL, k.getFlags(), k.getProtocol(), k.getAlgorithm(), k.getKey());
  }

  private Message sign(Request request, Name zone, Message response, Chain chain) throws DNSSEC.DNSSECException {
    switch (kind(response)) {
      case DELEGATION -> {
        List<Record> authority = response.getSection(Section.AUTHORITY);
        long ttl = authority.get(0).getTTL();
        List<Record> ds = authority.stream().filter(r -> r.getType() == Type.DS).toList();
        List<Record> added = ds.isEmpty() ? blackLie(request, zone, Kind.DELEGATION, ttl, chain)
            : new ArrayList<>(signatures(ds, zone, ttl, chain));
        added.forEach(r -> response.addRecord(r, Section.AUTHORITY));
      }
      case NAME_ERROR, NO_DATA -> {
        List<Record> authority = response.getSection(Section.AUTHORITY);
        if (authority.size() != 1 || authority.get(0).getType() != Type.SOA) {
          return response;
        }
        long ttl = authority.get(0).getTTL();
        Kind kind = kind(response);
        List<Record> added = new ArrayList<>(signatures(authority, zone, ttl, chain));
        added.addAll(blackLie(request, zone, kind, ttl, chain));
        added.forEach(r -> response.addRecord(r, Section.AUTHORITY));
        response.getHeader().setRcode(Rcode.NOERROR);
        if (request.qtype() == Type.NSEC) {
          // the NSEC and its signature answer the question, without the SOA
          List<Record> nsec = added.subList(added.size() - 2, added.size());
          for (Record r : response.getSection(Section.AUTHORITY)) {
            response.removeRecord(r, Section.AUTHORITY);
          }
          nsec.forEach(r -> response.addRecord(r, Section.ANSWER));
        }
      }
      case ANSWER -> {
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
          for (List<Record> rrset : rrsets(response.getSection(section))) {
            Name signer = Names.longestMatch(rrset.get(0).getName(), config.zones());
            if (signer != null) {
              signatures(rrset, signer, rrset.get(0).getTTL(), chain).forEach(s -> response.addRecord(s, section));
            }
          }
        }
      }
    }
    return response;
  }

  /** CoreDNS's response typing, reduced to what signing needs. */
  private static Kind kind(Message response) {
    if (response.getRcode() == Rcode.NXDOMAIN) {
      return Kind.NAME_ERROR;
    }
    if (response.getRcode() != Rcode.NOERROR || !response.getSection(Section.ANSWER).isEmpty()) {
      return Kind.ANSWER;
    }
    List<Record> authority = response.getSection(Section.AUTHORITY);
    if (authority.stream().anyMatch(r -> r.getType() == Type.SOA)) {
      return Kind.NO_DATA;
    }
    return authority.stream().anyMatch(r -> r.getType() == Type.NS) ? Kind.DELEGATION : Kind.ANSWER;
  }

  /** The RRsets of a section in order: runs of one owner, type and class. */
  private static List<List<Record>> rrsets(List<Record> records) {
    List<List<Record>> out = new ArrayList<>();
    List<Record> current = null;
    for (Record r : records) {
      if (r.getType() == Type.RRSIG || r.getType() == Type.OPT || r.getType() == Type.TSIG) {
        continue;
      }
      if (current == null || !current.get(0).sameRRset(r)) {
        current = new ArrayList<>();
        out.add(current);
      }
      current.add(r);
    }
    return out;
  }

  /** The black-lie NSEC for the query name with its signatures (signatures first, as CoreDNS). */
  private List<Record> blackLie(Request request, Name zone, Kind kind, long ttl, Chain chain)
      throws DNSSEC.DNSSECException {
    Name qname = request.qname().canonicalize();
    int[] bitmap;
    Name next;
    try {
      next = qname.equals(Name.root) ? Name.fromString("\\000.") : Name.concatenate(Name.fromString("\\000"), qname);
      if (qname.equals(zone)) {
        bitmap = without(APEX_BITMAP, request.qtype());
      } else if (kind == Kind.DELEGATION || request.qtype() == Type.DS) {
        bitmap = DELEGATION_BITMAP;
        if (kind == Kind.DELEGATION) {
          // the next name right after the delegation's own subtree: first label + \000
          String first = qname.getLabelString(0);
          next = Name.concatenate(Name.fromString(first + "\\000"), new Name(qname, 1));
        }
      } else {
        bitmap = without(ZONE_BITMAP, request.qtype());
      }
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      return List.of();
    }
    NSECRecord nsec = new NSECRecord(qname, DClass.IN, ttl, next, bitmap);
    List<Record> out = new ArrayList<>(signatures(List.of(nsec), zone, ttl, chain));
    out.add(nsec);
    return out;
  }

  private static int[] without(int[] bitmap, int type) {
    if (type == Type.NSEC) {
      return bitmap;
    }
    return java.util.Arrays.stream(bitmap).filter(t -> t != type).toArray();
  }

  /** The signatures of {@code rrset} by {@code signer}, from the cache or made now. */
  private List<RRSIGRecord> signatures(List<Record> rrset, Name signer, long ttl, Chain chain)
      throws DNSSEC.DNSSECException {
    Instant now = clock.instant();
    ByteBuffer key = cacheKey(rrset, signer, ttl);
    List<RRSIGRecord> cached = cache.get(key, now);
    boolean explaining = chain.explaining();
    if (cached != null) {
      if (!explaining) {
        hits.inc();
      }
      note(chain, cached, true);
      return cached;
    }
    if (!explaining) {
      misses.inc();
    }
    RRset set = new RRset();
    for (Record r : rrset) {
      set.addRR(r);
    }
    Instant inception = now.minus(INCEPTION);
    Instant expiration = now.plus(VALIDITY);
    boolean dnskeys = rrset.get(0).getType() == Type.DNSKEY;
    List<RRSIGRecord> sigs = new ArrayList<>();
    for (KeyPair key2 : config.keys()) {
      if (split && key2.isKeySigningKey() != dnskeys) {
        continue; // split keys: KSKs sign DNSKEY RRsets, ZSKs the rest
      }
      sigs.add(DNSSEC.sign(set, dnskey(key2, signer), key2.privateKey(), inception, expiration));
    }
    List<RRSIGRecord> made = List.copyOf(sigs);
    if (!explaining) {
      cache.put(key, made);
    }
    note(chain, made, false);
    return made;
  }

  private static void note(Chain chain, List<RRSIGRecord> sigs, boolean cached) {
    if (chain.explaining() && !sigs.isEmpty()) {
      RRSIGRecord first = sigs.get(0);
      chain.note(Type.string(first.getTypeCovered()) + " " + first.getName() + " signed with key "
          + sigs.stream().map(s -> String.valueOf(s.getFootprint())).toList() + (cached ? " (cached)" : ""));
    }
  }

  private static ByteBuffer cacheKey(List<Record> rrset, Name signer, long ttl) {
    DNSOutput out = new DNSOutput();
    signer.toWireCanonical(out);
    out.writeU32(ttl);
    for (Record r : rrset) {
      out.writeByteArray(r.toWireCanonical());
    }
    return ByteBuffer.wrap(out.toByteArray());
  }
}
