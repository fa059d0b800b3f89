package dev.corvus.dns.plugin.dnssec;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.RRSIGRecord;

/**
 * The signatures made for RRsets, by the RRset's canonical wire form and signer, so that a warm
 * answer costs a lookup instead of a signing. An entry is used while its signatures have at least
 * two days left (CoreDNS signs for 8 days and re-signs after 6); beyond {@code capacity} entries
 * some are dropped to make room.
 */
final class SignatureCache {

  static final Duration MIN_REMAINING = Duration.ofDays(2);

  private final int capacity;
  private final ConcurrentHashMap<ByteBuffer, List<RRSIGRecord>> entries = new ConcurrentHashMap<>();

  SignatureCache(int capacity) {
    this.capacity = capacity;
  }

  /** The cached signatures for {@code key}, or {@code null} when missing or too close to expiry. */
  List<RRSIGRecord> get(ByteBuffer key, Instant now) {
    List<RRSIGRecord> sigs = entries.get(key);
    if (sigs == null) {
      return null;
    }
    Instant limit = now.plus(MIN_REMAINING);
    for (RRSIGRecord sig : sigs) {
      if (sig.getExpire().isBefore(limit)) {
        entries.remove(key, sigs);
        return null;
      }
    }
    return sigs;
  }

  void put(ByteBuffer key, List<RRSIGRecord> sigs) {
    if (capacity == 0) {
      return;
    }
    if (entries.size() >= capacity) {
      // no recency bookkeeping on the hot path: drop about a tenth, in hash order
      int drop = Math.max(1, capacity / 10);
      for (Iterator<ByteBuffer> it = entries.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
        it.next();
        it.remove();
      }
    }
    entries.put(key, sigs);
  }

  int size() {
    return entries.size();
  }
}
