package dev.corvus.dns.plugin.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.metrics.Counter;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * One of the two caches (success or denial) on Caffeine, bounded by its capacity, keeping each
 * entry for its TTL plus the serve-stale window (at least {@link #RENEWAL_SECONDS}) on the
 * plugin's ticker, and counting its evictions; its size is read at scrape time ({@link
 * CacheEntries}). An expired entry is not served (the handler checks), but the same answer
 * stored again within that time renews it in place.
 */
final class AnswerCache {

  /**
   * How long an expired entry stays to be renewed by the same answer. Like CoreDNS, whose cache
   * keeps expired items until they are replaced or evicted, entries count towards the capacity
   * meanwhile.
   */
  static final long RENEWAL_SECONDS = 30;

  private final Cache<CacheKey, CachedAnswer> cache;
  private final int capacity;

  AnswerCache(int capacity, long staleSeconds, Ticker ticker, Counter.Child evictions) {
    this.capacity = capacity;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(capacity)
            // Maintenance on the calling thread keeps sizes and eviction counts current and hands
            // no work to the common pool.
            .executor(Runnable::run)
            // The monotonic ticker: setting the system clock neither expires nor prolongs entries.
            .ticker(ticker::read)
            .expireAfter(
                Expiry.<CacheKey, CachedAnswer>writing(
                    (key, answer) -> Duration.ofNanos(answer.lifetimeNanos(staleSeconds, RENEWAL_SECONDS))))
            .<CacheKey, CachedAnswer>removalListener(
                (key, answer, cause) -> {
                  // Only capacity evictions count, as in CoreDNS; expiry and flushes do not.
                  if (cause == RemovalCause.SIZE) {
                    evictions.inc();
                  }
                })
            .build();
  }

  /** The entry under {@code key}, or {@code null}. */
  CachedAnswer get(CacheKey key) {
    return cache.getIfPresent(key);
  }

  /**
   * The entry under {@code key}, or {@code null}, without a trace: no recency or frequency update
   * for the eviction policy (explanations and operators' lookups).
   */
  CachedAnswer peek(CacheKey key) {
    return cache.policy().getIfPresentQuietly(key);
  }

  /** Visits every live entry without recording an access. */
  void forEach(BiConsumer<CacheKey, CachedAnswer> visitor) {
    for (Map.Entry<CacheKey, CachedAnswer> entry : cache.asMap().entrySet()) {
      visitor.accept(entry.getKey(), entry.getValue());
    }
  }

  /**
   * Removes every entry whose key matches (an operator's flush) and returns how many it removed.
   * Explicit removals are not evictions.
   */
  int removeIf(Predicate<CacheKey> matching) {
    Map<CacheKey, CachedAnswer> map = cache.asMap();
    int removed = 0;
    for (CacheKey key : map.keySet()) {
      if (matching.test(key) && map.remove(key) != null) {
        removed++;
      }
    }
    return removed;
  }

  int capacity() {
    return capacity;
  }

  /** Stores {@code answer}, or renews the entry under {@code key} when it holds the same reply. */
  void put(CacheKey key, CachedAnswer answer) {
    cache.asMap().compute(
        key, (k, stored) -> stored != null && stored.sameReplyAs(answer) ? stored.renewedBy(answer) : answer);
  }

  void invalidate(CacheKey key) {
    cache.invalidate(key);
  }

  /** The number of entries after pending maintenance (expiry, eviction) ran. */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }
}
