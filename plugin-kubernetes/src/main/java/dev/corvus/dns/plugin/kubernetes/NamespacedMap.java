package dev.corvus.dns.plugin.kubernetes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A concurrent map keyed by namespace and name, one inner map per namespace: no combined key
 * string per entry (the names are the views' own strings) and none built per lookup. Inner maps
 * stay when emptied; there are as many as namespaces ever seen.
 *
 * @param <V> the values, immutable
 */
final class NamespacedMap<V> {

  private final Map<String, Map<String, V>> byNamespace = new ConcurrentHashMap<>();

  V get(String namespace, String name) {
    Map<String, V> names = byNamespace.get(namespace);
    return names == null ? null : names.get(name);
  }

  /** Stores {@code value}; returns the value it replaced, or {@code null}. */
  V put(String namespace, String name, V value) {
    return names(namespace).put(name, value);
  }

  /** Removes the entry; returns the value it held, or {@code null}. */
  V remove(String namespace, String name) {
    Map<String, V> names = byNamespace.get(namespace);
    return names == null ? null : names.remove(name);
  }

  /**
   * Replaces the value atomically with {@code remapping} of the current one ({@code null} when
   * absent); a {@code null} result removes the entry.
   */
  void compute(String namespace, String name, UnaryOperator<V> remapping) {
    names(namespace).compute(name, (key, current) -> remapping.apply(current));
  }

  /** One entry of the map. */
  record Entry<V>(String namespace, String name, V value) {}

  /** Every entry, weakly consistent with concurrent changes. */
  Stream<Entry<V>> entries() {
    return byNamespace.entrySet().stream()
        .flatMap(ns -> ns.getValue().entrySet().stream()
            .map(e -> new Entry<>(ns.getKey(), e.getKey(), e.getValue())));
  }

  int size() {
    int size = 0;
    for (Map<String, V> names : byNamespace.values()) {
      size += names.size();
    }
    return size;
  }

  private Map<String, V> names(String namespace) {
    return byNamespace.computeIfAbsent(namespace, ns -> new ConcurrentHashMap<>());
  }
}
