package dev.corvus.dns.plugin.kubernetes;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the {@code multicluster} zones answer from (Kubernetes Multi-Cluster Services): the
 * ServiceImports of the cluster set and the EndpointSlices exported to it (labelled {@code
 * multicluster.kubernetes.io/service-name}), kept as compact immutable views in hash maps so that
 * a query is a map hit, as {@link ClusterIndex} keeps the cluster's own Services.
 *
 * <p>Informers write from their own threads; the I/O threads read. Each value is replaced whole.
 */
final class MultiClusterIndex {

  /**
   * A ServiceImport as DNS needs it.
   *
   * @param namespace its namespace
   * @param name its name
   * @param headless whether its type is {@code Headless} (else {@code ClusterSetIP})
   * @param ips the ClusterSet IPs (empty for a headless import)
   * @param ports its ports
   */
  record ImportView(
      String namespace, String name, boolean headless, List<InetAddress> ips, List<ServicePort> ports) {}

  /**
   * An exported EndpointSlice: its ready addresses and the cluster it comes from.
   *
   * @param slice the addresses and ports; its {@link EndpointSliceView#serviceName()} is the import's
   * @param cluster the {@code multicluster.kubernetes.io/source-cluster} label, lower case, or empty
   */
  record ClusterSlice(EndpointSliceView slice, String cluster) {}

  private final Clock clock;
  private final Set<String> configuredNamespaces;
  private final NamespacedMap<ImportView> imports = new NamespacedMap<>();
  /** Every exported slice by namespace and slice name, to find the one an update or delete replaces. */
  private final NamespacedMap<ClusterSlice> slices = new NamespacedMap<>();
  /** The exported slices of each import, by namespace and import name. */
  private final NamespacedMap<List<ClusterSlice>> endpoints = new NamespacedMap<>();
  /** ServiceImports skipped (no IPs), by namespace/name, so that each is logged once. */
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();
  private volatile long modifiedEpochSecond;
  /** Counts changes, so that a snapshot built from the index knows whether it is still current. */
  private final AtomicLong version = new AtomicLong();

  /**
   * @param clock the clock of the SOA serial (the time of the last change)
   * @param configuredNamespaces the {@code namespaces} option; empty allows every namespace
   */
  MultiClusterIndex(Clock clock, Set<String> configuredNamespaces) {
    this.clock = clock;
    this.configuredNamespaces = Set.copyOf(configuredNamespaces);
    this.modifiedEpochSecond = clock.instant().getEpochSecond();
  }

  // ---- reads (I/O threads) ----

  /** The import {@code name} in {@code namespace}, or {@code null}. */
  ImportView serviceImport(String namespace, String name) {
    return imports.get(namespace, name);
  }

  /** The exported slices of {@code serviceImport}, possibly empty. */
  List<ClusterSlice> endpoints(ImportView serviceImport) {
    List<ClusterSlice> found = endpoints.get(serviceImport.namespace(), serviceImport.name());
    return found == null ? List.of() : found;
  }

  /** The time of the last change in Unix seconds: the SOA serial of the multicluster zones. */
  long modifiedEpochSecond() {
    return modifiedEpochSecond;
  }

  int importCount() {
    return imports.size();
  }

  int sliceCount() {
    return slices.size();
  }

  /** Whether the {@code namespaces} option allows {@code namespace}. */
  boolean configuredNamespace(String namespace) {
    return configuredNamespaces.isEmpty() || configuredNamespaces.contains(namespace);
  }

  // ---- writes (informer threads) ----

  void putImport(ImportView serviceImport) {
    imports.put(serviceImport.namespace(), serviceImport.name(), serviceImport);
    skipped.remove(serviceImport.namespace() + "/" + serviceImport.name());
    touch();
  }

  void removeImport(String namespace, String name) {
    skipped.remove(namespace + "/" + name);
    if (imports.remove(namespace, name) != null) {
      touch();
    }
  }

  /**
   * Drops the import {@code name} (it cannot be answered); returns whether this is news, that is
   * whether it was not skipped already, so that the caller logs it once.
   */
  boolean skipImport(String namespace, String name) {
    if (imports.remove(namespace, name) != null) {
      touch();
    }
    return skipped.add(namespace + "/" + name);
  }

  void putSlice(ClusterSlice slice) {
    EndpointSliceView view = slice.slice();
    ClusterSlice old = slices.put(view.namespace(), view.name(), slice);
    if (old != null && !old.slice().serviceName().equals(view.serviceName())) {
      dropSlice(old);
    }
    endpoints.compute(view.namespace(), view.serviceName(), current -> with(current, slice));
    touch();
  }

  void removeSlice(String namespace, String name) {
    ClusterSlice old = slices.remove(namespace, name);
    if (old != null) {
      dropSlice(old);
      touch();
    }
  }

  private void dropSlice(ClusterSlice slice) {
    EndpointSliceView view = slice.slice();
    endpoints.compute(view.namespace(), view.serviceName(), current -> without(current, view.name()));
  }

  /** {@code current} with {@code slice} in place of the slice of that name, or added. */
  private static List<ClusterSlice> with(List<ClusterSlice> current, ClusterSlice slice) {
    List<ClusterSlice> next = new ArrayList<>(current == null ? 1 : current.size() + 1);
    boolean replaced = false;
    if (current != null) {
      for (ClusterSlice existing : current) {
        if (existing.slice().name().equals(slice.slice().name())) {
          next.add(slice);
          replaced = true;
        } else {
          next.add(existing);
        }
      }
    }
    if (!replaced) {
      next.add(slice);
    }
    return List.copyOf(next);
  }

  private static List<ClusterSlice> without(List<ClusterSlice> current, String sliceName) {
    if (current == null) {
      return null;
    }
    List<ClusterSlice> next = new ArrayList<>(current.size());
    for (ClusterSlice existing : current) {
      if (!existing.slice().name().equals(sliceName)) {
        next.add(existing);
      }
    }
    return next.isEmpty() ? null : List.copyOf(next);
  }

  private void touch() {
    version.incrementAndGet();
    modifiedEpochSecond = clock.instant().getEpochSecond();
  }

  /** A number that changes with every change of the index (a zone transfer's snapshot is keyed by it). */
  long version() {
    return version.get();
  }

  /** Every ServiceImport, weakly consistent with concurrent changes (zone transfers). */
  List<ImportView> allImports() {
    return imports.entries().map(NamespacedMap.Entry::value).toList();
  }
}
