package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts search-path expansions per client namespace and keeps the names behind most of them.
 *
 * <p>The metric {@code corvus_dns_search_path_queries_total{namespace}} has at most {@link
 * #MAX_NAMESPACES} namespace values; later namespaces count under {@code other}. The offenders
 * (namespace, original name) are kept in at most {@code capacity} entries with the Space-Saving
 * algorithm (Metwally et al., 2005), evicting in batches: when a new pair arrives on a full table
 * the least counted eighth of it leaves at once, and every pair tracked from then on starts from
 * the highest count evicted so far, so the heavy hitters stay and their counts are overestimated by
 * at most that count.
 *
 * <p>Recording costs a map hit and an add for a pair already tracked; only new pairs take a lock,
 * and the table is scanned once per eighth of its capacity of new pairs, not once for each (a
 * client asking for a new name every time, through its search path, costs no scan per query).
 */
final class SearchPathTracker {

  /** At most this many namespace label values. */
  static final int MAX_NAMESPACES = 100;

  /** The namespace label value of namespaces beyond {@link #MAX_NAMESPACES}. */
  static final String OTHER = "other";

  /** The namespace of clients whose namespace is not known. */
  static final String UNKNOWN = "unknown";

  static final int DEFAULT_CAPACITY = 1000;

  /** A full table gives up this fraction (1/n) of its pairs at once. */
  private static final int EVICTED_SHARE = 8;

  /**
   * One tracked offender.
   *
   * @param namespace the client's namespace, or {@code unknown}
   * @param name the name the client meant
   * @param count the expansions counted for it (an upper bound once entries were evicted)
   */
  record Offender(String namespace, String name, long count) {}

  private record Key(String namespace, String name) {}

  private final Counter counter;
  private final int capacity;
  private final Map<String, Counter.Child> byNamespace = new ConcurrentHashMap<>();
  private final Map<Key, LongAdder> offenders = new ConcurrentHashMap<>();
  /** The highest count evicted so far: where a newly tracked pair starts. Guarded by {@code this}. */
  private long evictedCount;

  SearchPathTracker(Metrics metrics, int capacity) {
    this.counter =
        metrics.counter(
            "corvus_dns_search_path_queries_total",
            "Queries the kubernetes plugin recognised as a pod resolver's search-path expansion of"
                + " another name, per client namespace.",
            "namespace");
    this.capacity = capacity;
  }

  /** Counts one expansion of {@code name} asked by a client in {@code namespace}. */
  void record(String namespace, String name) {
    child(namespace).inc();
    Key key = new Key(namespace, name);
    LongAdder count = offenders.get(key);
    if (count == null) {
      count = track(key);
    }
    count.increment();
  }

  private Counter.Child child(String namespace) {
    Counter.Child child = byNamespace.get(namespace);
    if (child != null) {
      return child;
    }
    synchronized (byNamespace) {
      child = byNamespace.get(namespace);
      if (child == null) {
        // Bounded cardinality: the first MAX_NAMESPACES namespaces get their own series.
        if (byNamespace.size() >= MAX_NAMESPACES) {
          return byNamespace.computeIfAbsent(OTHER, counter::labels);
        }
        child = counter.labels(namespace);
        byNamespace.put(namespace, child);
      }
      return child;
    }
  }

  private synchronized LongAdder track(Key key) {
    LongAdder existing = offenders.get(key);
    if (existing != null) {
      return existing;
    }
    if (offenders.size() >= capacity) {
      evictLeastCounted();
    }
    LongAdder count = new LongAdder();
    count.add(evictedCount);
    offenders.put(key, count);
    return count;
  }

  /** Removes the least counted eighth of the table (at least one pair), raising {@link #evictedCount}. */
  private void evictLeastCounted() {
    List<Map.Entry<Key, Long>> counts = new ArrayList<>(offenders.size());
    for (Map.Entry<Key, LongAdder> entry : offenders.entrySet()) {
      counts.add(Map.entry(entry.getKey(), entry.getValue().sum()));
    }
    counts.sort(Map.Entry.comparingByValue());
    int batch = Math.min(counts.size(), Math.max(1, capacity / EVICTED_SHARE));
    for (Map.Entry<Key, Long> least : counts.subList(0, batch)) {
      offenders.remove(least.getKey());
      evictedCount = Math.max(evictedCount, least.getValue());
    }
  }

  /** The {@code limit} most counted offenders, most first (ties by namespace and name). */
  List<Offender> top(int limit) {
    List<Offender> all = new ArrayList<>(offenders.size());
    for (Map.Entry<Key, LongAdder> entry : offenders.entrySet()) {
      all.add(new Offender(entry.getKey().namespace(), entry.getKey().name(), entry.getValue().sum()));
    }
    all.sort(
        Comparator.comparingLong(Offender::count)
            .reversed()
            .thenComparing(Offender::namespace)
            .thenComparing(Offender::name));
    return all.size() <= limit ? all : List.copyOf(all.subList(0, limit));
  }

  /** How many offenders are tracked. */
  int tracked() {
    return offenders.size();
  }
}
