package dev.corvus.dns.plugin.grpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The order in which upstreams are tried for a query ({@code policy}), as CoreDNS's grpc plugin. */
enum Policy {
  /** A random permutation per query (the default). */
  RANDOM,
  /** Starts at the next upstream in turn, then the others in configured order. */
  ROUND_ROBIN,
  /** Always the configured order. */
  SEQUENTIAL;

  /** The keyword as written in a Corefile. */
  String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy for {@code keyword}, or {@code null} when there is none. */
  static Policy fromKeyword(String keyword) {
    for (Policy policy : values()) {
      if (policy.keyword().equals(keyword)) {
        return policy;
      }
    }
    return null;
  }

  /**
   * The order to try {@code upstreams} in for one query.
   *
   * @param robin the turn counter of {@link #ROUND_ROBIN}, one per plugin instance
   */
  <T> List<T> order(List<T> upstreams, AtomicInteger robin) {
    int size = upstreams.size();
    if (size <= 1 || this == SEQUENTIAL) {
      return upstreams;
    }
    List<T> ordered = new ArrayList<>(upstreams);
    if (this == RANDOM) {
      Collections.shuffle(ordered, ThreadLocalRandom.current());
      return ordered;
    }
    // CoreDNS: the counter is incremented first, so the first query starts at the second upstream.
    int first = Math.floorMod(robin.incrementAndGet(), size);
    ordered.clear();
    ordered.add(upstreams.get(first));
    ordered.addAll(upstreams.subList(0, first));
    ordered.addAll(upstreams.subList(first + 1, size));
    return ordered;
  }
}
