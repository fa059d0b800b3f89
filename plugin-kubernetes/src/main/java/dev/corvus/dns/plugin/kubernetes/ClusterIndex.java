package dev.corvus.dns.plugin.kubernetes;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the plugin knows of the cluster, kept as compact views in hash indexes so that every
 * lookup of the query path is a map hit: Services and their merged endpoints by {@code
 * name.namespace}, cluster IPs and endpoint addresses by address, pods by address, namespaces by
 * name.
 *
 * <p>Sources (informers or the offline directory) write from their own threads; the I/O threads
 * read. Each value is immutable and replaced whole, so a reader sees either the old or the new
 * state of a Service, never half of one.
 */
final class ClusterIndex implements ClusterDns {

  /** One address of an endpoint that a PTR query may name. */
  record ReverseEndpoint(String sliceKey, String namespace, String serviceName, String label) {}

  /** A pod as {@code pods verified} and autopath need it: its addresses (dual-stack). */
  record PodRef(String namespace, String name, List<InetAddress> addresses) {}

  private final Clock clock;
  private final Set<String> configuredNamespaces;
  private final Map<String, ServiceView> services = new ConcurrentHashMap<>();
  private final Map<String, ServiceEndpoints> endpoints = new ConcurrentHashMap<>();
  private final Map<String, String> sliceOwners = new ConcurrentHashMap<>();
  private final Map<InetAddress, ServiceView> clusterIpOwners = new ConcurrentHashMap<>();
  private final Map<InetAddress, List<ReverseEndpoint>> endpointOwners = new ConcurrentHashMap<>();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<String, PodRef> podsByKey = new ConcurrentHashMap<>();
  private final Map<InetAddress, List<PodRef>> podsByAddress = new ConcurrentHashMap<>();
  private volatile long modifiedEpochSecond;

  /**
   * @param clock the clock of the SOA serial (the time of the last change, as CoreDNS)
   * @param configuredNamespaces the {@code namespaces} option; empty exposes every namespace
   */
  ClusterIndex(Clock clock, Set<String> configuredNamespaces) {
    this.clock = clock;
    this.configuredNamespaces = Set.copyOf(configuredNamespaces);
    this.modifiedEpochSecond = clock.instant().getEpochSecond();
  }

  // ---- reads (I/O threads) ----

  @Override
  public ServiceView service(String namespace, String name) {
    return services.get(ServiceKeys.of(namespace, name));
  }

  @Override
  public ServiceEndpoints endpoints(ServiceView service) {
    ServiceEndpoints found = endpoints.get(service.key());
    return found == null ? ServiceEndpoints.EMPTY : found;
  }

  /** The Service whose cluster IP is {@code address}, or {@code null}. */
  ServiceView serviceWithClusterIp(InetAddress address) {
    return clusterIpOwners.get(address);
  }

  /** The endpoints with {@code address}, possibly empty. */
  List<ReverseEndpoint> endpointsWithAddress(InetAddress address) {
    return endpointOwners.getOrDefault(address, List.of());
  }

  /** The pods with {@code address}, possibly empty. */
  List<PodRef> podsWithAddress(InetAddress address) {
    return podsByAddress.getOrDefault(address, List.of());
  }

  /**
   * Whether names in {@code namespace} are answered: it is allowed by the {@code namespaces}
   * option and exists (after {@code namespace_labels} filtering), as CoreDNS's {@code
   * namespaceExposed}.
   */
  @Override
  public boolean namespaceExposed(String namespace) {
    return configuredNamespace(namespace) && namespaces.contains(namespace);
  }

  /**
   * Whether {@code namespace} exists (after {@code namespace_labels} filtering), whatever the
   * {@code namespaces} option says.
   */
  boolean namespaceKnown(String namespace) {
    return namespaces.contains(namespace);
  }

  /** The number of entries of each index, for the {@code kubernetes} inspector. */
  Map<String, Object> sizes() {
    Map<String, Object> sizes = new java.util.LinkedHashMap<>();
    sizes.put("services", services.size());
    sizes.put("servicesWithEndpoints", endpoints.size());
    sizes.put("endpointSlices", sliceOwners.size());
    sizes.put("clusterIps", clusterIpOwners.size());
    sizes.put("endpointAddresses", endpointOwners.size());
    sizes.put("namespaces", namespaces.size());
    sizes.put("pods", podsByKey.size());
    sizes.put("podAddresses", podsByAddress.size());
    return sizes;
  }

  /** Whether the {@code namespaces} option allows {@code namespace}. */
  boolean configuredNamespace(String namespace) {
    return configuredNamespaces.isEmpty() || configuredNamespaces.contains(namespace);
  }

  /** Whether the {@code namespaces} option restricts the namespaces at all. */
  boolean namespacesRestricted() {
    return !configuredNamespaces.isEmpty();
  }

  /** Whether reverse lookups may name objects of {@code namespace} (CoreDNS's {@code namespaces} filter). */
  boolean reverseAnswers(String namespace) {
    return !namespacesRestricted() || namespaceExposed(namespace);
  }

  /** The time of the last change in Unix seconds, CoreDNS's SOA serial. */
  long modifiedEpochSecond() {
    return modifiedEpochSecond;
  }

  int serviceCount() {
    return services.size();
  }

  int sliceCount() {
    return sliceOwners.size();
  }

  int namespaceCount() {
    return namespaces.size();
  }

  int podCount() {
    return podsByKey.size();
  }

  // ---- writes (source threads) ----

  void putService(ServiceView service) {
    ServiceView old = services.put(service.key(), service);
    if (old != null) {
      for (InetAddress ip : old.clusterIps()) {
        clusterIpOwners.remove(ip, old);
      }
    }
    for (InetAddress ip : service.clusterIps()) {
      clusterIpOwners.put(ip, service);
    }
    touch();
  }

  void removeService(String namespace, String name) {
    ServiceView old = services.remove(ServiceKeys.of(namespace, name));
    if (old != null) {
      for (InetAddress ip : old.clusterIps()) {
        clusterIpOwners.remove(ip, old);
      }
      touch();
    }
  }

  void putSlice(EndpointSliceView slice) {
    String sliceKey = slice.sliceKey();
    String previousOwner = sliceOwners.put(sliceKey, slice.serviceKey());
    if (previousOwner != null && !previousOwner.equals(slice.serviceKey())) {
      dropSlice(previousOwner, sliceKey);
    }
    ServiceEndpoints[] before = new ServiceEndpoints[1];
    endpoints.compute(
        slice.serviceKey(),
        (key, current) -> {
          ServiceEndpoints base = current == null ? ServiceEndpoints.EMPTY : current;
          before[0] = base;
          return base.with(slice);
        });
    EndpointSliceView old = before[0].slices().get(sliceKey);
    if (old != null) {
      unindexAddresses(old);
    }
    indexAddresses(slice);
    touch();
  }

  void removeSlice(String namespace, String name) {
    String sliceKey = namespace + "/" + name;
    String owner = sliceOwners.remove(sliceKey);
    if (owner != null) {
      dropSlice(owner, sliceKey);
      touch();
    }
  }

  private void dropSlice(String serviceKey, String sliceKey) {
    ServiceEndpoints[] before = new ServiceEndpoints[1];
    endpoints.computeIfPresent(
        serviceKey,
        (key, current) -> {
          before[0] = current;
          ServiceEndpoints next = current.without(sliceKey);
          return next.slices().isEmpty() ? null : next;
        });
    if (before[0] != null) {
      EndpointSliceView old = before[0].slices().get(sliceKey);
      if (old != null) {
        unindexAddresses(old);
      }
    }
  }

  private void indexAddresses(EndpointSliceView slice) {
    String sliceKey = slice.sliceKey(); // one string per slice, not one per address
    for (EndpointAddress address : slice.addresses()) {
      ReverseEndpoint entry = new ReverseEndpoint(sliceKey, slice.namespace(), slice.serviceName(), address.label());
      endpointOwners.compute(address.address(), (ip, list) -> appended(list, entry));
    }
  }

  private void unindexAddresses(EndpointSliceView slice) {
    for (EndpointAddress address : slice.addresses()) {
      endpointOwners.computeIfPresent(
          address.address(),
          (ip, list) -> {
            List<ReverseEndpoint> kept = new ArrayList<>(list.size());
            for (ReverseEndpoint entry : list) {
              if (!entry.sliceKey().equals(slice.sliceKey())) {
                kept.add(entry);
              }
            }
            return kept.isEmpty() ? null : List.copyOf(kept);
          });
    }
  }

  void putNamespace(String name) {
    if (namespaces.add(name)) {
      touch();
    }
  }

  void removeNamespace(String name) {
    if (namespaces.remove(name)) {
      touch();
    }
  }

  void putPod(PodRef pod) {
    String key = pod.namespace() + "/" + pod.name();
    PodRef old = podsByKey.put(key, pod);
    if (old != null) {
      removePodAddress(old);
    }
    for (InetAddress address : pod.addresses()) {
      podsByAddress.compute(address, (ip, list) -> appended(list, pod));
    }
  }

  void removePod(String namespace, String name) {
    PodRef old = podsByKey.remove(namespace + "/" + name);
    if (old != null) {
      removePodAddress(old);
    }
  }

  private void removePodAddress(PodRef pod) {
    for (InetAddress address : pod.addresses()) {
      podsByAddress.computeIfPresent(
          address,
          (ip, list) -> {
            List<PodRef> kept = new ArrayList<>(list);
            kept.remove(pod);
            return kept.isEmpty() ? null : List.copyOf(kept);
          });
    }
  }

  private static <T> List<T> appended(List<T> list, T entry) {
    if (list == null) {
      return List.of(entry);
    }
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(entry);
    return List.copyOf(copy);
  }

  private void touch() {
    modifiedEpochSecond = clock.instant().getEpochSecond();
  }
}
