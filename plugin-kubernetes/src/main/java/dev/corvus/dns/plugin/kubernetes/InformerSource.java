package dev.corvus.dns.plugin.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corvus.dns.api.Ticker;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.internal.BaseOperation;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.impl.DefaultSharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cluster through fabric8 shared informers on Services, EndpointSlices
 * (discovery.k8s.io/v1), Namespaces and, when needed, Pods. Each informer runs on fabric8's
 * threads and writes projections into the {@link ClusterIndex}; its own item store keeps only the
 * keys and resource versions it needs to re-list, never whole objects.
 *
 * <p>When the API server goes away the informers keep retrying; the index keeps the last known
 * state meanwhile. A watch that comes back is logged and counted.
 *
 * <p>Stalls and the age of the data are measured on the plugin's monotonic {@link Ticker}, so
 * setting the system clock neither replaces informers nor ages the data; the times operators read
 * ({@link ResourceStatus}) are the wall clock's.
 */
final class InformerSource implements ClusterSource {

  private static final Logger LOG = LoggerFactory.getLogger(InformerSource.class);
  /** Objects per page of an informer's list (Kubernetes API chunking, {@code limit}/{@code continue}). */
  static final long LIST_PAGE_SIZE = 500;
  /**
   * How long an informer may go without a watch and without delivering anything before it is
   * replaced: twice fabric8's request timeout (10 s), within which every page of a list arrives
   * or fails and is retried.
   */
  static final Duration LIST_STALL = Duration.ofSeconds(20);
  private static final long MONITOR_PERIOD_MILLIS = 100;
  /** The Multi-Cluster Services API's ServiceImport, namespaced, plural {@code serviceimports}. */
  static final ResourceDefinitionContext SERVICE_IMPORTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("multicluster.x-k8s.io")
          .withVersion("v1alpha1")
          .withKind("ServiceImport")
          .withPlural("serviceimports")
          .withNamespaced(true)
          .build();

  private final KubernetesConfig config;
  private final KubernetesConfig.ApiServer api;
  private final ClusterIndex index;
  private final Projection projection;
  private final KubernetesMetrics metrics;
  private final Clock clock;
  private final Ticker ticker;
  private final ScheduledExecutorService scheduler;
  private final Duration listStall;
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private final Map<String, Watched<?>> watched = new ConcurrentHashMap<>();
  /** The client's JSON mapper, which the streamed lists decode their items with too. */
  private final ObjectMapper mapper = new ObjectMapper();
  /** Reads list answers (blocking reads of a stream), a thread per list being read. */
  private final ExecutorService listReader =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "kubernetes-list");
            thread.setDaemon(true);
            return thread;
          });
  private volatile KubernetesClient client;
  private ScheduledFuture<?> monitor;
  /** Set once {@link #start} has started every informer; before, a synced informer is not a synced source. */
  private volatile boolean informing;
  private boolean podsWanted;
  private boolean closed;

  /**
   * One resource's informer (replaced when it stalls), what the monitor knows of its watch, and
   * where its store's changes go: into the index, on fabric8's list and watch thread.
   */
  private static final class Watched<T extends HasMetadata> implements VersionStore.Changes<T> {
    final String resource;
    final Informable<T> informable;
    final Class<T> type;
    final Supplier<T> factory;
    /** The label selector the informable was made with, or {@code null}; the streaming list sends it too. */
    final String labelSelector;
    final Consumer<T> upsert;
    final Consumer<T> delete;
    final Clock clock;
    final Ticker ticker;
    volatile SharedIndexInformer<T> informer;
    volatile StreamingLister<T> lister;
    volatile VersionStore<T> store;
    /** When the current informer was started, on the ticker. */
    volatile long startedTick;
    /** When the watch was last seen up (or the entry made), on the ticker and for operators. */
    volatile long lastInSyncTick;
    volatile Instant lastInSync;
    /** When the last object arrived (or the entry was made), on the ticker. */
    volatile long lastEventTick;
    volatile Instant lastEvent;
    volatile Instant lastListed;
    volatile boolean watching;
    volatile boolean everWatched;
    volatile boolean synced;

    Watched(String resource, Informable<T> informable, Class<T> type, Supplier<T> factory, String labelSelector,
        Consumer<T> upsert, Consumer<T> delete, Clock clock, Ticker ticker) {
      this.resource = resource;
      this.informable = informable;
      this.type = type;
      this.factory = factory;
      this.labelSelector = labelSelector;
      this.upsert = upsert;
      this.delete = delete;
      this.clock = clock;
      this.ticker = ticker;
      this.lastInSync = clock.instant();
      this.lastInSyncTick = ticker.read();
      this.lastEventTick = lastInSyncTick;
      this.startedTick = lastInSyncTick;
      this.store = new VersionStore<>(factory, this);
    }

    @Override
    public void upserted(T object) {
      apply(upsert, object);
    }

    @Override
    public void deleted(T object) {
      apply(delete, object);
    }

    /** As fabric8 treats a failing handler: logged, and the list or watch goes on. */
    private void apply(Consumer<T> change, T object) {
      try {
        change.accept(object);
      } catch (RuntimeException e) {
        LOG.warn("kubernetes: {} {} not applied: {}", resource, Cache.metaNamespaceKeyFunc(object), e.toString());
      }
      lastEventTick = ticker.read();
      lastEvent = clock.instant();
    }

    /** fabric8 reports {@code hasSynced} once the list's last page has passed through the store. */
    boolean synced() {
      if (!synced && informer.hasSynced()) {
        synced = true;
        lastListed = lastEvent == null ? lastInSync : lastEvent;
      }
      return synced;
    }

    /**
     * Whether the informer, without a watch at the monitor's last look, has delivered nothing for
     * {@code stall}, counted from the latest of its start, its last delivery and the last time the
     * monitor saw it watching: a
     * list whose response never completes leaves an informer waiting for ever, unsynced. A watch
     * that fabric8 is re-establishing is not a stall.
     */
    boolean stalled(long nowTick, Duration stall) {
      // Differences of ticker readings only: the readings themselves may be negative.
      long sinceProgress = Math.min(nowTick - startedTick, Math.min(nowTick - lastEventTick, nowTick - lastInSyncTick));
      return !watching && sinceProgress > stall.toNanos();
    }
  }

  /** @param listStall how long an informer may go without a watch or any progress ({@link #LIST_STALL}) */
  InformerSource(
      KubernetesConfig config,
      ClusterIndex index,
      Projection projection,
      KubernetesMetrics metrics,
      Clock clock,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Duration listStall) {
    this.listStall = listStall;
    this.ticker = ticker;
    this.config = config;
    this.api = (KubernetesConfig.ApiServer) config.apiSource();
    this.index = index;
    this.projection = projection;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  @Override
  public synchronized void start() throws Exception {
    client = KubernetesClients.create(api, mapper);
    LOG.info("kubernetes: watching the API server at {}", client.getMasterUrl());
    Informable<Service> services = client.services().inAnyNamespace();
    if (config.labels() != null) {
      services = client.services().inAnyNamespace().withLabelSelector(config.labels().text());
    }
    inform("services", services, Service.class, Service::new, labels(config.labels()), this::onService,
        this::onServiceDeleted);
    if (!config.noEndpoints()) {
      Informable<EndpointSlice> slices = client.discovery().v1().endpointSlices().inAnyNamespace();
      if (config.labels() != null) {
        slices =
            client
                .discovery()
                .v1()
                .endpointSlices()
                .inAnyNamespace()
                .withLabelSelector(config.labels().text());
      }
      inform("endpointslices", slices, EndpointSlice.class, EndpointSlice::new, labels(config.labels()), this::onSlice,
          this::onSliceDeleted);
    }
    Informable<Namespace> namespaces = client.namespaces();
    if (config.namespaceLabels() != null) {
      namespaces = client.namespaces().withLabelSelector(config.namespaceLabels().text());
    }
    inform(
        "namespaces",
        namespaces,
        Namespace.class,
        Namespace::new,
        labels(config.namespaceLabels()),
        ns -> {
          if (selected(config.namespaceLabels(), ns)) {
            index.putNamespace(Projection.namespace(ns));
          } else {
            index.removeNamespace(Projection.namespace(ns));
          }
        },
        ns -> index.removeNamespace(Projection.namespace(ns)));
    if (config.podMode() == PodMode.VERIFIED || podsWanted) {
      informPods();
    }
    if (!config.multiclusterZones().isEmpty()) {
      informMultiCluster();
    }
    monitor =
        scheduler.scheduleWithFixedDelay(
            this::checkWatchesSafely, MONITOR_PERIOD_MILLIS, MONITOR_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    informing = true;
    // An informer may have synced while the next ones were being started.
    noteSynced();
  }

  @Override
  public synchronized void watchPods() {
    if (closed || watched.containsKey("pods")) {
      return;
    }
    podsWanted = true;
    if (client != null) {
      informPods();
    }
  }

  private void informPods() {
    inform(
        "pods",
        client.pods().inAnyNamespace(),
        Pod.class,
        Pod::new,
        null,
        pod -> {
          if (index.configuredNamespace(pod.getMetadata().getNamespace())) {
            index.putPod(projection.pod(pod));
          }
        },
        pod -> index.removePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
  }

  /**
   * The Multi-Cluster Services objects, as CoreDNS watches them with {@code multicluster}:
   * ServiceImports ({@code multicluster.x-k8s.io/v1alpha1}, read as generic resources, so no
   * client library for the CRD) and the EndpointSlices that carry the {@code
   * multicluster.kubernetes.io/service-name} label.
   */
  private void informMultiCluster() {
    MultiClusterIndex multiCluster = index.multiCluster();
    inform(
        "serviceimports",
        client.genericKubernetesResources(SERVICE_IMPORTS).inAnyNamespace(),
        GenericKubernetesResource.class,
        GenericKubernetesResource::new,
        null,
        this::onServiceImport,
        serviceImport ->
            multiCluster.removeImport(
                serviceImport.getMetadata().getNamespace(), serviceImport.getMetadata().getName()));
    inform(
        "multiclusterendpointslices",
        client.discovery().v1().endpointSlices().inAnyNamespace().withLabel(Projection.MCS_SERVICE_NAME_LABEL),
        EndpointSlice.class,
        EndpointSlice::new,
        Projection.MCS_SERVICE_NAME_LABEL,
        slice -> {
          String namespace = slice.getMetadata().getNamespace();
          if (!multiCluster.configuredNamespace(namespace)) {
            return;
          }
          MultiClusterIndex.ClusterSlice view =
              selected(config.labels(), slice) ? projection.multiClusterSlice(slice) : null;
          if (view == null) {
            multiCluster.removeSlice(namespace, slice.getMetadata().getName());
          } else {
            multiCluster.putSlice(view);
          }
        },
        slice -> multiCluster.removeSlice(slice.getMetadata().getNamespace(), slice.getMetadata().getName()));
  }

  private void onServiceImport(GenericKubernetesResource serviceImport) {
    MultiClusterIndex multiCluster = index.multiCluster();
    String namespace = serviceImport.getMetadata().getNamespace();
    String name = serviceImport.getMetadata().getName();
    if (!multiCluster.configuredNamespace(namespace)) {
      return;
    }
    MultiClusterIndex.ImportView view = Projection.serviceImport(serviceImport);
    if (view != null) {
      multiCluster.putImport(view);
    } else if (multiCluster.skipImport(namespace, name)) {
      LOG.warn(
          "kubernetes: ServiceImport {}/{} is of type ClusterSetIP but has no valid IP in spec.ips;"
              + " skipped, its name is not answered until it has one",
          namespace,
          name);
    }
  }

  private <T extends HasMetadata> void inform(
      String resource,
      Informable<T> informable,
      Class<T> type,
      Supplier<T> factory,
      String labelSelector,
      Consumer<T> upsert,
      Consumer<T> delete) {
    // Keep only resource versions in fabric8's store, and no namespace index: the views in the
    // index are what DNS answers from, so anything more would only cost memory.
    Watched<T> entry =
        new Watched<>(resource, informable, type, factory, labelSelector, upsert, delete, clock, ticker);
    watched.put(resource, entry);
    startInformer(entry);
  }

  private <T extends HasMetadata> void startInformer(Watched<T> entry) {
    // The first list in pages: 10,000 Services in one response, parsed whole, were a heap peak
    // that an 85 MiB pod heap could not hold although the index itself needs 60 MB. A server may
    // answer in one piece all the same, so the answer is read as a stream, item by item into the
    // store (StreamingLister); fabric8 watches from the list's resource version as usual.
    BaseOperation<T, ?, ?> operation = (BaseOperation<T, ?, ?>) entry.informable.withLimit(LIST_PAGE_SIZE);
    VersionStore<T> store = entry.store;
    StreamingLister<T> lister = new StreamingLister<>(operation, client.getHttpClient(), mapper, entry.type, entry.factory, entry.labelSelector,
        object -> store.put(store.getKey(object), object), listReader);
    // The client's task executor, as fabric8's own informers use it (inline: KubernetesClients).
    DefaultSharedIndexInformer<T, DefaultKubernetesResourceList<T>> informer =
        new DefaultSharedIndexInformer<>(entry.type, lister, 0, Runnable::run);
    informer.exceptionHandler(
        (started, failure) -> {
          LOG.warn(
              "kubernetes: {} watch failed, retrying; answering from the last known state: {}",
              entry.resource,
              failure.toString());
          return true;
        });
    // No event handler: the store passes each object on as it arrives (VersionStore).
    informer.itemStore(store);
    informer.removeNamespaceIndex();
    entry.informer = informer;
    entry.lister = lister;
    entry.startedTick = ticker.read();
    // fabric8 completes the start once the first list went through the store and the watch is
    // up; the monitor checks too, for whatever that stage does not cover.
    informer.start().whenComplete((started, failure) -> noteSynced());
  }

  /** Completes {@link #firstSync()} once every counted resource has synced. */
  private void noteSynced() {
    if (!firstSync.isDone() && hasSynced()) {
      firstSync.complete(null);
    }
  }

  /**
   * Replaces a stalled informer with a new one that lists afresh. The new one starts from a copy
   * of the old store, so objects gone meanwhile are deleted from the index when its list
   * completes; should the old list complete after all, it writes only into the old store, which
   * passes nothing on any more.
   */
  private <T extends HasMetadata> void restartInformer(Watched<T> entry) {
    entry.informer.stop();
    entry.lister.close();
    entry.store = entry.store.handOver();
    metrics.informerRestarted(entry.resource);
    startInformer(entry);
  }

  private void onService(Service service) {
    if (!selected(config.labels(), service)) {
      onServiceDeleted(service);
    } else if (index.configuredNamespace(service.getMetadata().getNamespace())) {
      index.putService(projection.service(service));
    }
  }

  private static String labels(LabelSelector selector) {
    return selector == null ? null : selector.text();
  }

  /**
   * The API server filters by the selectors already; checking again here keeps the answers right
   * with servers that only understand part of the selector grammar.
   */
  private static boolean selected(LabelSelector selector, HasMetadata object) {
    return selector == null || selector.matches(object.getMetadata().getLabels());
  }

  private void onServiceDeleted(Service service) {
    index.removeService(service.getMetadata().getNamespace(), service.getMetadata().getName());
  }

  private void onSlice(EndpointSlice slice) {
    String namespace = slice.getMetadata().getNamespace();
    if (!index.configuredNamespace(namespace)) {
      return;
    }
    EndpointSliceView view = selected(config.labels(), slice) ? projection.slice(slice) : null;
    if (view == null) {
      index.removeSlice(namespace, slice.getMetadata().getName());
      return;
    }
    index.putSlice(view);
    Watched<?> slices = watched.get("endpointslices");
    if (slices != null && slices.synced()) {
      Map<String, String> annotations = slice.getMetadata().getAnnotations();
      if (annotations != null) {
        metrics.observeProgramming(
            annotations.get(KubernetesMetrics.LAST_CHANGE_TRIGGER_TIME),
            index.service(namespace, view.serviceName()));
      }
    }
  }

  private void onSliceDeleted(EndpointSlice slice) {
    index.removeSlice(slice.getMetadata().getNamespace(), slice.getMetadata().getName());
  }

  /** Runs on the scheduler; a periodic task that throws is never run again, so nothing escapes. */
  private void checkWatchesSafely() {
    try {
      checkWatches();
    } catch (RuntimeException e) {
      LOG.warn("kubernetes: checking the watches failed", e);
    }
  }

  /** Logs and counts watches lost and re-established; replaces stalled informers. */
  private synchronized void checkWatches() {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    long nowTick = ticker.read();
    for (Watched<?> w : watched.values()) {
      boolean watching = w.informer.isWatching();
      if (watching) {
        w.lastInSync = now;
        w.lastInSyncTick = nowTick;
        if (!w.watching && w.everWatched) {
          LOG.info("kubernetes: {} watch re-established, re-listed from the API server", w.resource);
          w.lastListed = now;
          metrics.reconnected(w.resource);
        }
        w.everWatched = true;
      } else if (w.watching) {
        LOG.warn(
            "kubernetes: lost the {} watch; answering from the last known state until it returns",
            w.resource);
      }
      w.watching = watching;
      if (w.stalled(nowTick, listStall)) {
        LOG.warn(
            "kubernetes: no {} watch and nothing received for {}; listing from the API server again",
            w.resource,
            listStall);
        restartInformer(w);
      }
    }
    noteSynced();
  }

  @Override
  public boolean hasSynced() {
    if (!informing || watched.isEmpty()) {
      return false;
    }
    for (Watched<?> w : watched.values()) {
      // Pods watched only for autopath start late and must not take readiness away.
      boolean counts = !w.resource.equals("pods") || config.podMode() == PodMode.VERIFIED;
      if (counts && !w.synced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public CompletionStage<Void> firstSync() {
    return firstSync;
  }

  @Override
  public Map<String, Duration> syncAge() {
    long now = ticker.read();
    Map<String, Duration> ages = new LinkedHashMap<>();
    for (Watched<?> w : watched.values()) {
      ages.put(w.resource, w.watching ? Duration.ZERO : Duration.ofNanos(now - w.lastInSyncTick));
    }
    return ages;
  }

  @Override
  public String describe() {
    KubernetesClient current = client;
    String url = current == null ? null : current.getMasterUrl().toString();
    return KubernetesClients.describe(api, url);
  }

  @Override
  public List<ResourceStatus> resourceStatus() {
    List<ResourceStatus> status = new ArrayList<>();
    for (Watched<?> w : watched.values()) {
      status.add(new ResourceStatus(w.resource, w.watching, w.lastInSync, w.lastEvent, w.lastListed));
    }
    status.sort(java.util.Comparator.comparing(ResourceStatus::resource));
    return status;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (monitor != null) {
      monitor.cancel(false);
    }
    for (Watched<?> w : watched.values()) {
      w.informer.stop();
      w.lister.close();
    }
    watched.clear();
    listReader.shutdownNow();
    if (client != null) {
      client.close();
    }
  }
}
