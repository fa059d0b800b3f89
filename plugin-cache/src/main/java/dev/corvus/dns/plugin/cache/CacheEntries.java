package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.metrics.Metrics;
import java.util.List;

/**
 * {@code coredns_cache_entries{server, type, zones, view}} of one cache, computed at scrape time.
 * A computed gauge takes effect only when the configuration that registered it serves, so a
 * reload that fails validation leaves the served caches' counts in place, where a gauge set by
 * the new caches would have reset them to 0; the caches of one configuration report together.
 */
final class CacheEntries {

  static final String NAME = "coredns_cache_entries";
  private static final String HELP = "The number of elements in the cache.";
  private static final List<String> LABELS = List.of("server", "type", "zones", "view");

  private CacheEntries() {}

  /** Registers the entry counts of {@code cache}. */
  static void register(Metrics metrics, CacheHandler cache) {
    CacheMetrics labels = cache.metrics();
    metrics.gaugeFunction(NAME, HELP, LABELS, () -> List.of(
        new Metrics.Sample(List.of(labels.server, CacheMetrics.SUCCESS, labels.zonesLabel, CacheMetrics.NO_VIEW),
            cache.successCache().size()),
        new Metrics.Sample(List.of(labels.server, CacheMetrics.DENIAL, labels.zonesLabel, CacheMetrics.NO_VIEW),
            cache.denialCache().size())));
  }
}
