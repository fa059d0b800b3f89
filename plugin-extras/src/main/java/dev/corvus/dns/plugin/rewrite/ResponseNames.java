package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.plugin.rewrite.Rule.ResponseRule;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Response rules that rewrite names in the answer, authority and additional sections: owner names
 * ({@code answer name}) or the names records point to ({@code answer value}: CNAME, DNAME, NS,
 * PTR, MX, SRV, NAPTR's replacement and SOA's primary name server, as CoreDNS's reverter does).
 */
final class ResponseNames {

  private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

  private ResponseNames() {}

  /** Rewrites owner names. */
  static ResponseRule owners(NameRewriter rewriter) {
    return response -> forEachRecord(response, r -> {
      Name renamed = rewriter.rewrite(r.getName());
      return renamed == null ? r : r.withName(renamed);
    });
  }

  /** Rewrites the names records point to. */
  static ResponseRule values(NameRewriter rewriter) {
    return response -> forEachRecord(response, r -> rewriteValue(r, rewriter));
  }

  /** Replaces every record of the three sections by {@code change}'s result (OPT and TSIG stay). */
  static void forEachRecord(Message response, java.util.function.UnaryOperator<Record> change) {
    for (int section : SECTIONS) {
      List<Record> records = response.getSection(section);
      if (records.isEmpty()) {
        continue;
      }
      response.removeAllRecords(section);
      for (Record r : records) {
        boolean pseudo = r.getType() == Type.OPT || r.getType() == Type.TSIG;
        response.addRecord(pseudo ? r : change.apply(r), section);
      }
    }
  }

  private static Record rewriteValue(Record r, NameRewriter rewriter) {
    Name owner = r.getName();
    int dclass = r.getDClass();
    long ttl = r.getTTL();
    return switch (r.getType()) {
      case Type.CNAME -> orSame(r, rewriter.rewrite(((CNAMERecord) r).getTarget()),
          t -> new CNAMERecord(owner, dclass, ttl, t));
      case Type.DNAME -> orSame(r, rewriter.rewrite(((DNAMERecord) r).getTarget()),
          t -> new DNAMERecord(owner, dclass, ttl, t));
      case Type.NS -> orSame(r, rewriter.rewrite(((NSRecord) r).getTarget()),
          t -> new NSRecord(owner, dclass, ttl, t));
      case Type.PTR -> orSame(r, rewriter.rewrite(((PTRRecord) r).getTarget()),
          t -> new PTRRecord(owner, dclass, ttl, t));
      case Type.MX -> {
        MXRecord mx = (MXRecord) r;
        yield orSame(r, rewriter.rewrite(mx.getTarget()), t -> new MXRecord(owner, dclass, ttl, mx.getPriority(), t));
      }
      case Type.SRV -> {
        SRVRecord srv = (SRVRecord) r;
        yield orSame(r, rewriter.rewrite(srv.getTarget()),
            t -> new SRVRecord(owner, dclass, ttl, srv.getPriority(), srv.getWeight(), srv.getPort(), t));
      }
      case Type.SOA -> {
        // CoreDNS rewrites the primary name server only; the mailbox is left alone
        SOARecord soa = (SOARecord) r;
        yield orSame(r, rewriter.rewrite(soa.getHost()), t -> new SOARecord(owner, dclass, ttl, t, soa.getAdmin(),
            soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()));
      }
      case Type.NAPTR -> {
        NAPTRRecord naptr = (NAPTRRecord) r;
        yield orSame(r, rewriter.rewrite(naptr.getReplacement()), t -> new NAPTRRecord(owner, dclass, ttl,
            naptr.getOrder(), naptr.getPreference(), naptr.getFlags(), naptr.getService(), naptr.getRegexp(), t));
      }
      default -> r;
    };
  }

  private static Record orSame(Record original, Name target, java.util.function.Function<Name, Record> make) {
    return target == null ? original : make.apply(target);
  }
}
