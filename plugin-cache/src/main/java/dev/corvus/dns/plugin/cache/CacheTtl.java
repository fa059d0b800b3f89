package dev.corvus.dns.plugin.cache;

import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** How long a response is cached, as CoreDNS computes it: its smallest TTL, floored and capped. */
final class CacheTtl {

  /** CoreDNS's TTL for answers it cannot derive one from (no records, delegations). */
  private static final long DEFAULT_TTL_SECONDS = 5;

  private CacheTtl() {}

  /** How long to cache {@code response}, in seconds: its smallest TTL, capped and floored. */
  static long of(ResponseKind kind, Message response, CacheConfig config) {
    if (kind == ResponseKind.SERVER_ERROR) {
      return config.servfailTtl().toSeconds();
    }
    CacheConfig.Tier tier = kind.isNegative() ? config.denial() : config.success();
    long max = tier.maxTtl().toSeconds();
    long min = tier.minTtl().toSeconds();
    return Math.min(Math.max(smallestTtl(kind, response, max), min), max);
  }

  private static long smallestTtl(ResponseKind kind, Message response, long max) {
    if (kind != ResponseKind.NO_ERROR && kind != ResponseKind.NAME_ERROR && kind != ResponseKind.NO_DATA) {
      return DEFAULT_TTL_SECONDS;
    }
    List<Record> additional = response.getSection(Section.ADDITIONAL);
    boolean onlyOpt = additional.stream().allMatch(r -> r.getType() == Type.OPT);
    if (response.getSection(Section.ANSWER).isEmpty() && response.getSection(Section.AUTHORITY).isEmpty() && onlyOpt) {
      return DEFAULT_TTL_SECONDS;
    }
    boolean negative = kind != ResponseKind.NO_ERROR;
    long smallest = max;
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record record : response.getSection(section)) {
        if (record.getType() == Type.OPT) {
          continue;
        }
        long ttl = record.getTTL();
        if (negative && record instanceof SOARecord soa) {
          // RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM).
          ttl = Math.min(ttl, soa.getMinimum());
        }
        smallest = Math.min(smallest, ttl);
      }
    }
    return smallest;
  }

}
