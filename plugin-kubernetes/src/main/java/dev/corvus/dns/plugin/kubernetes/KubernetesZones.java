package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.capability.ZoneSource;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;

/**
 * The {@code kubernetes} zones as the {@code transfer} directive sends them, CoreDNS's {@code
 * Transfer} of the kubernetes plugin: the SOA, the NS records and their addresses, then every
 * Service of an exposed namespace by name — a ClusterIP Service's A/AAAA records, an SRV record per
 * port and one per named port; a headless Service's endpoints (an address record under the Service
 * and one under the endpoint's name, and an SRV record per named port); an ExternalName Service's
 * CNAME. A {@code multicluster} zone holds the ServiceImports the same way.
 *
 * <p>The snapshot is built from the in-memory index on a thread of its own (a large cluster's zone
 * has tens of thousands of records), never on an I/O thread, and kept until the index changes.
 * Reverse zones are not transferred, and nothing is offered before the first sync. As CoreDNS's
 * plugin, this source sends no NOTIFY: the zone changes with every Service change.
 */
final class KubernetesZones implements ZoneSource, AutoCloseable {

  /** A built zone and the index versions it was built from. */
  private record Snapshot(long version, long multiClusterVersion, List<Record> records) {}

  private final KubernetesConfig config;
  private final ClusterIndex index;
  private final RecordFinder finder;
  private final BooleanSupplier synced;
  private final Map<Name, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final List<Name> zones;
  private ExecutorService builder;
  private boolean closed;

  KubernetesZones(KubernetesConfig config, ClusterIndex index, RecordFinder finder, BooleanSupplier synced) {
    this.config = config;
    this.index = index;
    this.finder = finder;
    this.synced = synced;
    this.zones = config.zones().stream().filter(zone -> !KubernetesFactory.isReverse(zone)).toList();
  }

  @Override
  public List<Name> zones() {
    return zones;
  }

  /** The configured zone {@code zone} names when it is transferred now, else {@code null}. */
  private Name served(Name zone) {
    if (!synced.getAsBoolean()) {
      return null;
    }
    for (Name own : zones) {
      if (own.equals(zone)) {
        return own;
      }
    }
    return null;
  }

  /**
   * The zone, built on the caller's thread when the index changed since the last build; {@code
   * transfer} asks {@link #snapshot} instead, which builds on this source's own thread.
   */
  @Override
  public Optional<List<Record>> records(Name zone) {
    Name own = served(zone);
    return own == null ? Optional.empty() : Optional.of(current(own));
  }

  @Override
  public CompletionStage<Optional<List<Record>>> snapshot(Name zone) {
    Name own = served(zone);
    if (own == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Snapshot cached = snapshots.get(own);
    if (cached != null && isCurrent(cached)) {
      return CompletableFuture.completedFuture(Optional.of(cached.records()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> Optional.of(current(own)), builder());
    } catch (RejectedExecutionException stopped) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
  }

  @Override
  public Optional<SOARecord> soa(Name zone) {
    Name own = served(zone);
    return own == null ? Optional.empty() : Optional.of(KubernetesHandler.soa(config, index, own));
  }

  /** CoreDNS's kubernetes plugin notifies no secondary; neither does this source. */
  @Override
  public void onChange(Consumer<Name> listener) {}

  private synchronized ExecutorService builder() {
    if (closed) {
      throw new RejectedExecutionException("stopped");
    }
    if (builder == null) {
      builder = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "kubernetes-transfer");
        thread.setDaemon(true);
        return thread;
      });
    }
    return builder;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (builder != null) {
      builder.shutdownNow();
    }
  }

  private boolean isCurrent(Snapshot snapshot) {
    return snapshot.version() == index.version() && snapshot.multiClusterVersion() == index.multiCluster().version();
  }

  /** The zone's snapshot, built now unless the index has not changed since the last one. */
  private List<Record> current(Name zone) {
    Snapshot cached = snapshots.get(zone);
    if (cached != null && isCurrent(cached)) {
      return cached.records();
    }
    // read the versions first: a change during the build makes the next transfer build again
    long version = index.version();
    long multiClusterVersion = index.multiCluster().version();
    List<Record> records = build(zone);
    snapshots.put(zone, new Snapshot(version, multiClusterVersion, records));
    return records;
  }

  /** The zone in transfer order, without the closing SOA. */
  List<Record> build(Name zone) {
    List<Record> records = new ArrayList<>();
    records.add(KubernetesHandler.soa(config, index, zone));
    List<RecordFinder.Entry> nameServers = finder.nameServers(zone);
    Set<Name> hosts = new LinkedHashSet<>();
    for (RecordFinder.Entry entry : nameServers) {
      hosts.add(entry.target().name());
    }
    for (Name host : hosts) {
      records.add(new NSRecord(zone, DClass.IN, config.ttl(), host));
    }
    for (RecordFinder.Entry entry : nameServers) {
      records.add(address(entry.target().name(), entry.address()));
    }
    if (config.multicluster(zone)) {
      addServiceImports(zone, records);
    } else {
      addServices(zone, records);
    }
    return Collections.unmodifiableList(records);
  }

  private void addServices(Name zone, List<Record> records) {
    List<ServiceView> services = new ArrayList<>(index.allServices());
    services.sort(Comparator.comparing(ServiceView::name).thenComparing(ServiceView::namespace));
    for (ServiceView service : services) {
      if (!index.namespaceExposed(service.namespace())) {
        continue;
      }
      Name base = RecordFinder.child(zone, service.name(), service.namespace(), RecordRequest.SVC);
      if (service.kind() == ServiceView.Kind.EXTERNAL_NAME) {
        // an IP in externalName gives no record (the projection keeps names only)
        if (service.externalName() != null) {
          records.add(new CNAMERecord(base, DClass.IN, config.ttl(), Name.fromConstantString(service.externalName())));
        }
      } else if (!service.clusterIps().isEmpty()) {
        addClusterIps(base, service.clusterIps(), service.ports(), records);
      } else {
        List<EndpointSliceView> slices = new ArrayList<>(index.endpoints(service).sliceViews());
        addEndpoints(base, slices, records);
      }
    }
  }

  private void addServiceImports(Name zone, List<Record> records) {
    MultiClusterIndex imports = index.multiCluster();
    List<MultiClusterIndex.ImportView> all = new ArrayList<>(imports.allImports());
    all.sort(Comparator.comparing(MultiClusterIndex.ImportView::name)
        .thenComparing(MultiClusterIndex.ImportView::namespace));
    for (MultiClusterIndex.ImportView serviceImport : all) {
      if (!index.namespaceExposed(serviceImport.namespace())) {
        continue;
      }
      Name base = RecordFinder.child(zone, serviceImport.name(), serviceImport.namespace(), RecordRequest.SVC);
      if (!serviceImport.headless() && !serviceImport.ips().isEmpty()) {
        addClusterIps(base, serviceImport.ips(), serviceImport.ports(), records);
      } else {
        List<EndpointSliceView> slices = new ArrayList<>();
        for (MultiClusterIndex.ClusterSlice slice : imports.endpoints(serviceImport)) {
          slices.add(slice.slice());
        }
        addEndpoints(base, slices, records);
      }
    }
  }

  /** The address records of the Service name, an SRV record per port and one per named port. */
  private void addClusterIps(Name base, List<InetAddress> ips, List<ServicePort> ports, List<Record> records) {
    for (InetAddress ip : ips) {
      records.add(address(base, ip));
    }
    for (ServicePort port : ports) {
      if (port.port() == ServicePort.NONE) {
        continue;
      }
      records.add(new SRVRecord(base, DClass.IN, config.ttl(), 0, 100, port.port(), base));
      // unnamed ports have no _port._proto name (Kubernetes DNS specification 2.3.2)
      if (!port.name().isEmpty()) {
        records.add(new SRVRecord(portName(base, port), DClass.IN, config.ttl(), 0, 100, port.port(), base));
      }
    }
  }

  /**
   * Each ready address under the Service name and under its own name, with an SRV record per named
   * port. The SRV weight is CoreDNS's, 100 / the number of addresses, at least 1, counted over all
   * the Service's slices, so that the records equal those an SRV query of the primary answers.
   */
  private void addEndpoints(Name base, List<EndpointSliceView> slices, List<Record> records) {
    slices.sort(Comparator.comparing(EndpointSliceView::name));
    int count = 0;
    for (EndpointSliceView slice : slices) {
      count += slice.addressCount();
    }
    int weight = Math.max(1, (int) Math.floor(100.0 / Math.max(1, count)));
    for (EndpointSliceView slice : slices) {
      for (int i = 0; i < slice.addressCount(); i++) {
        EndpointAddress endpoint = slice.endpoint(i);
        records.add(address(base, endpoint.address()));
        Name host = RecordFinder.prefixed(endpoint.label(), base);
        records.add(address(host, endpoint.address()));
        for (ServicePort port : slice.ports()) {
          if (port.name().isEmpty() || port.port() == ServicePort.NONE) {
            continue;
          }
          records.add(new SRVRecord(portName(base, port), DClass.IN, config.ttl(), 0, weight, port.port(), host));
        }
      }
    }
  }

  /** {@code _port._proto.base}. */
  private static Name portName(Name base, ServicePort port) {
    return RecordFinder.prefixed("_" + port.name(), RecordFinder.prefixed("_" + port.protocol(), base));
  }

  private Record address(Name owner, InetAddress address) {
    return RecordFinder.isV4(address)
        ? new ARecord(owner, DClass.IN, config.ttl(), address)
        : new AAAARecord(owner, DClass.IN, config.ttl(), address);
  }
}
