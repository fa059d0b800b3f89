package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.capability.PodNamespaceLookup;
import dev.corvus.dns.api.capability.ZoneSource;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import dev.corvus.dns.api.plugin.SelfCheck;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} directive at run time: starts its source (informers or the offline
 * directory) in {@link #start}, whose stage completes at the first sync or when {@code
 * startup_timeout} ran out, whichever comes first (as CoreDNS, the server then serves, synced or
 * not); the {@code ready} plugin sees it ready once synced.
 */
final class KubernetesPlugin implements Plugin, SelfCheck {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesPlugin.class);

  /** Where CoreDNS, too, takes the host's search domains that autopath appends. */
  private static final java.nio.file.Path RESOLV_CONF = java.nio.file.Path.of("/etc/resolv.conf");

  private final KubernetesConfig config;
  private final PluginContext context;
  private final ClusterIndex index;
  private final RecordFinder finder;
  private final KubernetesHandler handler;
  private final KubernetesMetrics metrics;
  private final PodNamespaces podNamespaces;
  private final KubernetesMetadata metadata;
  private final KubernetesZones transferZones;
  private final CompletableFuture<Void> startup = new CompletableFuture<>();
  private volatile ClusterSource source;
  private volatile ScheduledFuture<?> startupTimeout;
  private volatile boolean podsWanted;

  KubernetesPlugin(KubernetesConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.index = new ClusterIndex(context.clock(), config.namespaces(), config.ttl());
    this.finder = new RecordFinder(config, index);
    this.metrics = new KubernetesMetrics(context.metrics(), context.clock());
    SearchPathTracker searchPaths = new SearchPathTracker(context.metrics(), SearchPathTracker.DEFAULT_CAPACITY);
    SearchPathMonitor searchPathMonitor = new SearchPathMonitor(config.zones(), index, searchPaths);
    // Every NXDOMAIN of the block is looked at, cache hits included, not only the ones this handler answers.
    context.observeResponses(searchPathMonitor);
    this.podNamespaces = new PodNamespaces(index, config.primaryZone(), this::watchPods);
    this.metadata = new KubernetesMetadata(config.zones(), index, config.multiclusterZones());
    this.handler =
        new KubernetesHandler(
            config,
            index,
            finder,
            context.resolver(),
            this::synced,
            searchPathMonitor,
            new AnswerExplainer(config, index, context.clock(), () -> source));
    context.inspectors().register(
        new KubernetesInspector(config, index, context.serverLabel(), context.clock(), () -> source, this::synced));
    context.inspectors().register(new SearchPathInspector(config, context.serverLabel(), searchPaths));
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "kubernetes";
      }

      @Override
      public boolean isReady() {
        return synced();
      }
    });
    context.services().export(ClusterDns.class, index);
    context.services().export(PodNamespaceLookup.class, podNamespaces);
    this.transferZones = new KubernetesZones(config, index, finder, this::synced);
    context.services().export(ZoneSource.class, transferZones);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public Optional<MetadataProvider> metadata() {
    return Optional.of(metadata);
  }

  /**
   * Starts the source and returns at once; the stage completes when the source first synced or
   * {@code startup_timeout} ran out, whichever comes first, and never exceptionally: as CoreDNS,
   * the server serves unsynced after the timeout (misses answer SERVFAIL until the first sync).
   */
  @Override
  public CompletionStage<Void> start() throws Exception {
    finder.localAddresses(serverAddresses());
    podNamespaces.hostSearch(PodNamespaces.searchDomains(RESOLV_CONF));
    Projection projection = new Projection(config.endpointPodNames());
    ClusterSource created =
        config.apiSource() instanceof KubernetesConfig.OfflineDirectory
            ? new DirectorySource(config, index, projection, context.clock(), context.ticker())
            : new InformerSource(config, index, projection, metrics, context.clock(), context.ticker(),
                context.scheduler(), InformerSource.LIST_STALL);
    source = created;
    if (podsWanted) {
      created.watchPods();
    }
    startupTimeout = context.scheduler().schedule(
        this::startupTimedOut, config.startupTimeout().toNanos(), TimeUnit.NANOSECONDS);
    try {
      created.start();
    } catch (Exception e) {
      // The server stops only the plugins that started.
      stop();
      throw e;
    }
    metrics.registerGauges(this::objectSamples, this::syncAgeSamples);
    created.firstSync().thenRun(this::firstSynced);
    return startup;
  }

  private void firstSynced() {
    ScheduledFuture<?> timeout = startupTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    LOG.info(
        "kubernetes: synced {} services, {} endpoint slices, {} namespaces",
        index.serviceCount(),
        index.sliceCount(),
        index.namespaceCount());
    startup.complete(null);
  }

  private void startupTimedOut() {
    if (!synced() && startup.complete(null)) {
      LOG.warn(
          "kubernetes: starting server with unsynced Kubernetes API after {}; misses answer SERVFAIL"
              + " until the first sync",
          config.startupTimeout());
    }
  }

  private boolean synced() {
    ClusterSource current = source;
    return current != null && current.hasSynced();
  }

  /** Called on I/O threads by autopath's lookups: only the first call does anything. */
  private void watchPods() {
    if (podsWanted) {
      return;
    }
    podsWanted = true;
    ClusterSource current = source;
    if (current != null) {
      context.scheduler().execute(current::watchPods);
    }
  }

  private List<Metrics.Sample> objectSamples() {
    return List.of(
        new Metrics.Sample(List.of("services"), index.serviceCount()),
        new Metrics.Sample(List.of("endpointslices"), index.sliceCount()),
        new Metrics.Sample(List.of("namespaces"), index.namespaceCount()),
        new Metrics.Sample(List.of("pods"), index.podCount()));
  }

  private List<Metrics.Sample> syncAgeSamples() {
    ClusterSource current = source;
    if (current == null) {
      return List.of();
    }
    List<Metrics.Sample> samples = new ArrayList<>();
    for (Map.Entry<String, Duration> age : current.syncAge().entrySet()) {
      samples.add(new Metrics.Sample(List.of(age.getKey()), age.getValue().toMillis() / 1000.0));
    }
    return samples;
  }

  /**
   * The addresses the apex NS records stand for, as CoreDNS's bound IPs: the server block's {@code
   * bind} addresses, else the machine's.
   */
  private List<InetAddress> serverAddresses() {
    List<InetAddress> bound = context.bindAddresses().stream()
        .filter(address -> !address.isAnyLocalAddress())
        .toList();
    return bound.isEmpty() ? localAddresses() : bound;
  }

  /**
   * The machine's addresses, for the apex NS records: CoreDNS names its own Service (found through
   * an endpoint with one of its addresses), else {@code ns.dns.ZONE} with these addresses.
   */
  private static List<InetAddress> localAddresses() {
    List<InetAddress> addresses = new ArrayList<>();
    List<InetAddress> loopback = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet6Address && address.isLinkLocalAddress()) {
            continue;
          }
          (address.isLoopbackAddress() ? loopback : addresses).add(address);
        }
      }
    } catch (SocketException e) {
      LOG.debug("kubernetes: cannot list the network interfaces", e);
    }
    return addresses.isEmpty() ? loopback : addresses;
  }

  @Override
  public List<Finding> check(Duration timeout) {
    if (config.apiSource() instanceof KubernetesConfig.OfflineDirectory offline) {
      return List.of(OfflineCheck.check(offline.directory()));
    }
    return new ApiServerCheck(config, (KubernetesConfig.ApiServer) config.apiSource()).check(timeout);
  }

  @Override
  public void stop() {
    ScheduledFuture<?> timeout = startupTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    ClusterSource current = source;
    if (current != null) {
      current.close();
    }
    transferZones.close();
    // A stopped plugin will not sync: nothing may wait for it.
    startup.complete(null);
  }
}
