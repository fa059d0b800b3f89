package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;

/**
 * The {@code coredns_cache_*} counters of one cache, with CoreDNS's names and label sets (see
 * CoreDNS {@code plugin/cache/metrics.go}); label children are resolved once so the query path
 * only increments. {@code coredns_cache_entries} is computed at scrape time by {@link
 * CacheEntries}.
 */
final class CacheMetrics {

  static final String SUCCESS = "success";
  static final String DENIAL = "denial";
  /** Corvus has no {@code view} plugin; CoreDNS labels caches outside a view with "". */
  static final String NO_VIEW = "";

  /** The {@code server} label value. */
  final String server;
  /** The {@code zones} label value: the cached zones joined with {@code ,}. */
  final String zonesLabel;
  final Counter.Child requests;
  final Counter.Child successHits;
  final Counter.Child denialHits;
  final Counter.Child misses;
  final Counter.Child prefetches;
  final Counter.Child drops;
  final Counter.Child servedStale;
  final Counter.Child successEvictions;
  final Counter.Child denialEvictions;

  CacheMetrics(Metrics metrics, String server, List<Name> zones) {
    this.server = server;
    this.zonesLabel = zones.stream().map(Names::lowerCase).collect(Collectors.joining(","));
    Counter requestsTotal =
        metrics.counter("coredns_cache_requests_total", "The count of cache requests.", "server", "zones", "view");
    Counter hits =
        metrics.counter("coredns_cache_hits_total", "The count of cache hits.", "server", "type", "zones", "view");
    Counter missesTotal =
        metrics.counter(
            "coredns_cache_misses_total",
            "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.",
            "server", "zones", "view");
    Counter prefetchTotal =
        metrics.counter(
            "coredns_cache_prefetch_total",
            "The number of times the cache has prefetched a cached item.",
            "server", "zones", "view");
    Counter dropsTotal =
        metrics.counter(
            "coredns_cache_drops_total",
            "The number responses that are not cached, because the reply is malformed.",
            "server", "zones", "view");
    Counter servedStaleTotal =
        metrics.counter(
            "coredns_cache_served_stale_total",
            "The number of requests served from stale cache entries.",
            "server", "zones", "view");
    Counter evictions =
        metrics.counter("coredns_cache_evictions_total", "The count of cache evictions.", "server", "type", "zones", "view");

    requests = requestsTotal.labels(server, zonesLabel, NO_VIEW);
    successHits = hits.labels(server, SUCCESS, zonesLabel, NO_VIEW);
    denialHits = hits.labels(server, DENIAL, zonesLabel, NO_VIEW);
    misses = missesTotal.labels(server, zonesLabel, NO_VIEW);
    prefetches = prefetchTotal.labels(server, zonesLabel, NO_VIEW);
    drops = dropsTotal.labels(server, zonesLabel, NO_VIEW);
    servedStale = servedStaleTotal.labels(server, zonesLabel, NO_VIEW);
    successEvictions = evictions.labels(server, SUCCESS, zonesLabel, NO_VIEW);
    denialEvictions = evictions.labels(server, DENIAL, zonesLabel, NO_VIEW);
  }
}
