package dev.corvus.dns.plugin.kubernetes;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * What the plugin knows of the cluster, kept as compact views in hash indexes so that every
 * lookup of the query path is a map hit: Services and their merged endpoints by namespace and
 * name, cluster IPs and endpoint addresses by address, pods by address, namespaces by
 * name.
 *
 * <p>Sources (informers or the offline directory) write from their own threads; the I/O threads
 * read. Each value is immutable and replaced whole, so a reader sees either the old or the new
 * state of a Service, never half of one.
 */
final class ClusterIndex implements ClusterDns {

  /** The address at {@code index} of {@code slice}, as a PTR query names it. */
  record ReverseEndpoint(EndpointSliceView slice, int index) {

    String namespace() {
      return slice.namespace();
    }

    String serviceName() {
      return slice.serviceName();
    }

    String label() {
      return slice.label(index);
    }

    /** Whether the address has a stored name, so that its address does not name it. */
    boolean named() {
      return slice.named(index);
    }
  }

  /** A pod as {@code pods verified} and autopath need it: its addresses (dual-stack). */
  record PodRef(String namespace, String name, List<InetAddress> addresses) {}

  private final Clock clock;
  private final long ttl;
  private final Set<String> configuredNamespaces;
  private final NamespacedMap<ServiceView> services = new NamespacedMap<>();
  /** The merged endpoints by the namespace and name of their Service. */
  private final NamespacedMap<ServiceEndpoints> endpoints = new NamespacedMap<>();
  /** Every slice by namespace and slice name, to find the one an update or delete replaces. */
  private final NamespacedMap<EndpointSliceView> slices = new NamespacedMap<>();
  private final Map<InetAddress, ServiceView> clusterIpOwners = new ConcurrentHashMap<>();
  /**
   * The slices with each address: one {@link EndpointSliceView}, or an array of them for an
   * address in several slices (rare), to spare a list per address. The address's position in its
   * slice is found again when asked (a slice holds at most 100 addresses by default), so that no
   * object per address is kept: 1.1 MiB at 50,000 addresses. IPv4 addresses are keyed by their
   * number, as their slices keep them, in a map of two arrays (1.9 MB less than a
   * ConcurrentHashMap at 50,000); others by their {@link InetAddress}.
   */
  private final IntKeyedMap<Object> ipv4Owners = new IntKeyedMap<>();
  private final Map<InetAddress, Object> otherOwners = new ConcurrentHashMap<>();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<String, PodRef> podsByKey = new ConcurrentHashMap<>();
  private final Map<InetAddress, List<PodRef>> podsByAddress = new ConcurrentHashMap<>();
  private volatile long modifiedEpochSecond;
  /** Counts changes, so that a snapshot built from the index knows whether it is still current. */
  private final AtomicLong version = new AtomicLong();
  /** The ServiceImports and exported slices of the {@code multicluster} zones. */
  private final MultiClusterIndex multiCluster;

  /**
   * @param clock the clock of the SOA serial (the time of the last change, as CoreDNS)
   * @param configuredNamespaces the {@code namespaces} option; empty exposes every namespace
   */
  ClusterIndex(Clock clock, Set<String> configuredNamespaces) {
    this(clock, configuredNamespaces, KubernetesConfig.DEFAULT_TTL);
  }

  /**
   * @param clock the clock of the SOA serial (the time of the last change, as CoreDNS)
   * @param configuredNamespaces the {@code namespaces} option; empty exposes every namespace
   * @param ttl the {@code ttl} option, handed to {@code k8s_external} ({@link #ttl()})
   */
  ClusterIndex(Clock clock, Set<String> configuredNamespaces, long ttl) {
    this.ttl = ttl;
    this.clock = clock;
    this.configuredNamespaces = Set.copyOf(configuredNamespaces);
    this.modifiedEpochSecond = clock.instant().getEpochSecond();
    this.multiCluster = new MultiClusterIndex(clock, configuredNamespaces);
  }

  @Override
  public long ttl() {
    return ttl;
  }

  /** What the {@code multicluster} zones answer from (empty when none is configured). */
  MultiClusterIndex multiCluster() {
    return multiCluster;
  }

  // ---- reads (I/O threads) ----

  @Override
  public ServiceView service(String namespace, String name) {
    return services.get(namespace, name);
  }

  @Override
  public ServiceEndpoints endpoints(ServiceView service) {
    ServiceEndpoints found = endpoints.get(service.namespace(), service.name());
    return found == null ? ServiceEndpoints.EMPTY : found;
  }

  /** The Service whose cluster IP is {@code address}, or {@code null}. */
  ServiceView serviceWithClusterIp(InetAddress address) {
    return clusterIpOwners.get(address);
  }

  /** The endpoints with {@code address}, possibly empty. */
  List<ReverseEndpoint> endpointsWithAddress(InetAddress address) {
    Object owners = address instanceof Inet4Address v4
        ? ipv4Owners.get(EndpointSliceView.toInt(v4))
        : otherOwners.get(address);
    if (owners == null) {
      return List.of();
    }
    List<ReverseEndpoint> found = new ArrayList<>(1);
    if (owners instanceof EndpointSliceView single) {
      addPositions(found, single, address);
    } else {
      for (EndpointSliceView slice : (EndpointSliceView[]) owners) {
        addPositions(found, slice, address);
      }
    }
    return found;
  }

  private static void addPositions(List<ReverseEndpoint> found, EndpointSliceView slice, InetAddress address) {
    for (int i = 0; i < slice.addressCount(); i++) {
      boolean holds = slice.allIpv4() && address instanceof Inet4Address v4
          ? slice.ipv4(i) == EndpointSliceView.toInt(v4)
          : slice.endpoint(i).address().equals(address);
      if (holds) {
        found.add(new ReverseEndpoint(slice, i));
      }
    }
  }

  /**
   * The ready addresses of {@code service} named {@code label} under it, with their ports: those
   * with that stored name, and the one whose IPv4 address in dashes it is, found through the
   * address index.
   */
  @Override
  public List<ServiceEndpoints.Member> endpointsLabelled(ServiceView service, String label) {
    List<ServiceEndpoints.Member> named = endpoints(service).named().getOrDefault(label, List.of());
    InetAddress address = EndpointAddress.ipv4OfLabel(label);
    if (address == null) {
      return named;
    }
    List<ServiceEndpoints.Member> found = new ArrayList<>(named);
    for (ReverseEndpoint owner : endpointsWithAddress(address)) {
      EndpointSliceView slice = owner.slice();
      if (!owner.named()
          && slice.namespace().equals(service.namespace())
          && slice.serviceName().equals(service.name())) {
        found.add(new ServiceEndpoints.Member(slice.endpoint(owner.index()), slice.ports()));
      }
    }
    return found;
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
    sizes.put("endpointSlices", slices.size());
    sizes.put("clusterIps", clusterIpOwners.size());
    sizes.put("endpointAddresses", ipv4Owners.size() + otherOwners.size());
    sizes.put("namespaces", namespaces.size());
    sizes.put("pods", podsByKey.size());
    sizes.put("podAddresses", podsByAddress.size());
    sizes.put("serviceImports", multiCluster.importCount());
    sizes.put("multiclusterEndpointSlices", multiCluster.sliceCount());
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
    return slices.size();
  }

  int namespaceCount() {
    return namespaces.size();
  }

  int podCount() {
    return podsByKey.size();
  }

  // ---- writes (source threads) ----

  void putService(ServiceView service) {
    ServiceView old = services.put(service.namespace(), service.name(), service);
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
    ServiceView old = services.remove(namespace, name);
    if (old != null) {
      for (InetAddress ip : old.clusterIps()) {
        clusterIpOwners.remove(ip, old);
      }
      touch();
    }
  }

  void putSlice(EndpointSliceView slice) {
    EndpointSliceView old = slices.put(slice.namespace(), slice.name(), slice);
    if (old != null && !old.serviceName().equals(slice.serviceName())) {
      dropSlice(old);
    }
    endpoints.compute(
        slice.namespace(),
        slice.serviceName(),
        current -> (current == null ? ServiceEndpoints.EMPTY : current).with(slice));
    indexAddresses(slice);
    if (old != null) {
      unindexAddresses(old); // after: an address in both stays answerable throughout
    }
    touch();
  }

  void removeSlice(String namespace, String name) {
    EndpointSliceView old = slices.remove(namespace, name);
    if (old != null) {
      dropSlice(old);
      unindexAddresses(old);
      touch();
    }
  }

  /** Takes {@code slice} out of its Service's endpoints. */
  private void dropSlice(EndpointSliceView slice) {
    endpoints.compute(
        slice.namespace(),
        slice.serviceName(),
        current -> {
          if (current == null) {
            return null;
          }
          ServiceEndpoints next = current.without(slice.name());
          return next.slices().isEmpty() ? null : next;
        });
  }

  private void indexAddresses(EndpointSliceView slice) {
    for (int i = 0; i < slice.addressCount(); i++) {
      updateOwners(slice, i, owners -> withSlice(owners, slice));
    }
  }

  private void unindexAddresses(EndpointSliceView slice) {
    for (int i = 0; i < slice.addressCount(); i++) {
      updateOwners(slice, i, owners -> owners == null ? null : withoutSlice(owners, slice));
    }
  }

  /** Replaces the owners of the address at {@code index} of {@code slice}. */
  private void updateOwners(EndpointSliceView slice, int index, UnaryOperator<Object> change) {
    if (slice.allIpv4()) {
      ipv4Owners.compute(slice.ipv4(index), change);
      return;
    }
    InetAddress address = slice.endpoint(index).address();
    if (address instanceof Inet4Address v4) {
      ipv4Owners.compute(EndpointSliceView.toInt(v4), change);
    } else {
      otherOwners.compute(address, (key, owners) -> change.apply(owners));
    }
  }

  /** {@code owners} with {@code slice}, which may hold the address already (listed twice). */
  private static Object withSlice(Object owners, EndpointSliceView slice) {
    if (owners == null || owners == slice) {
      return slice;
    }
    EndpointSliceView[] current =
        owners instanceof EndpointSliceView single ? new EndpointSliceView[] {single} : (EndpointSliceView[]) owners;
    for (EndpointSliceView present : current) {
      if (present == slice) {
        return owners;
      }
    }
    EndpointSliceView[] grown = Arrays.copyOf(current, current.length + 1);
    grown[current.length] = slice;
    return grown;
  }

  /** {@code owners} without {@code slice}; {@code null} when none is left. */
  private static Object withoutSlice(Object owners, EndpointSliceView slice) {
    if (owners instanceof EndpointSliceView single) {
      return single == slice ? null : single;
    }
    List<EndpointSliceView> kept = new ArrayList<>();
    for (EndpointSliceView present : (EndpointSliceView[]) owners) {
      if (present != slice) {
        kept.add(present);
      }
    }
    return switch (kept.size()) {
      case 0 -> null;
      case 1 -> kept.get(0);
      default -> kept.toArray(new EndpointSliceView[0]);
    };
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
    version.incrementAndGet();
    modifiedEpochSecond = clock.instant().getEpochSecond();
  }

  /** A number that changes with every change of the index (a zone transfer's snapshot is keyed by it). */
  long version() {
    return version.get();
  }

  /** Every Service, weakly consistent with concurrent changes (zone transfers). */
  List<ServiceView> allServices() {
    return services.entries().map(NamespacedMap.Entry::value).toList();
  }
}
