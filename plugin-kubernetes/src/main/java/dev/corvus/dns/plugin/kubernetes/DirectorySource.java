package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Ticker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Corvus's offline source ({@code offline DIR}): Services, EndpointSlices, Pods and Namespaces read
 * from the YAML and JSON files of a directory, in any mix of single objects, multi-document YAML
 * and {@code kind: List} ({@code kubectl get ... -o yaml} output). The directory is watched and
 * re-read on every change; a file that does not parse is logged and the last good state is kept.
 *
 * <p>When the files hold no Namespace object at all, the namespaces of the other objects are taken
 * to exist, so that a plain {@code kubectl get svc,endpointslices -A -o yaml} dump answers.
 */
final class DirectorySource implements ClusterSource {

  private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);
  private static final long SETTLE_MILLIS = 50;

  private final KubernetesConfig config;
  private final Path directory;
  private final ClusterIndex index;
  private final Projection projection;
  private final Clock clock;
  private final Ticker ticker;
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private Map<String, ServiceView> services = Map.of();
  private Map<String, EndpointSliceView> slices = Map.of();
  private Set<String> namespaces = Set.of();
  private Map<String, ClusterIndex.PodRef> pods = Map.of();
  private Map<String, MultiClusterIndex.ImportView> imports = Map.of();
  private Map<String, MultiClusterIndex.ClusterSlice> exportedSlices = Map.of();
  private volatile boolean synced;
  /** When the directory was last read, for operators. */
  private volatile Instant lastLoad;
  /** The same on the ticker, for the age of the data. */
  private volatile long lastLoadTick;
  private WatchService watchService;
  private Thread watcher;

  DirectorySource(KubernetesConfig config, ClusterIndex index, Projection projection, Clock clock, Ticker ticker) {
    this.config = config;
    this.directory = ((KubernetesConfig.OfflineDirectory) config.apiSource()).directory();
    this.index = index;
    this.projection = projection;
    this.clock = clock;
    this.ticker = ticker;
    this.lastLoad = clock.instant();
    this.lastLoadTick = ticker.read();
  }

  @Override
  public void start() throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IOException("kubernetes: offline: not a directory: " + directory);
    }
    watchService = directory.getFileSystem().newWatchService();
    directory.register(
        watchService,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    reload();
    watcher = new Thread(this::watch, "corvus-kubernetes-offline");
    watcher.setDaemon(true);
    watcher.start();
    LOG.info("kubernetes: serving the objects in {} (offline)", directory);
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        // Let an editor finish writing (and coalesce the burst of events of one save).
        WatchKey more;
        do {
          key.pollEvents();
          key.reset();
          more = watchService.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
          if (more != null) {
            key = more;
          }
        } while (more != null);
        reload();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads every file and applies what changed to the index. */
  synchronized void reload() {
    List<HasMetadata> objects = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : sorted(files)) {
        if (isObjectFile(file)) {
          objects.addAll(read(file));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("kubernetes: offline: keeping the last good state; cannot read {}: {}", directory, e.toString());
      return;
    }
    apply(objects);
    lastLoad = clock.instant();
    lastLoadTick = ticker.read();
    synced = true;
    firstSync.complete(null);
  }

  private static List<Path> sorted(DirectoryStream<Path> files) {
    List<Path> list = new ArrayList<>();
    files.forEach(list::add);
    list.sort(null);
    return list;
  }

  private static boolean isObjectFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file)
        && !name.startsWith(".")
        && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  private static List<HasMetadata> read(Path file) throws IOException {
    try {
      return ObjectFiles.read(file);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private void apply(List<HasMetadata> objects) {
    Map<String, ServiceView> nextServices = new HashMap<>();
    Map<String, EndpointSliceView> nextSlices = new HashMap<>();
    Set<String> nextNamespaces = new HashSet<>();
    Set<String> impliedNamespaces = new HashSet<>();
    boolean sawNamespace = false;
    Map<String, ClusterIndex.PodRef> nextPods = new HashMap<>();
    boolean multicluster = !config.multiclusterZones().isEmpty();
    Map<String, MultiClusterIndex.ImportView> nextImports = new HashMap<>();
    Map<String, MultiClusterIndex.ClusterSlice> nextExported = new HashMap<>();
    for (HasMetadata object : objects) {
      String namespace = object.getMetadata().getNamespace();
      if (object instanceof Namespace ns) {
        sawNamespace = true;
        if (config.namespaceLabels() == null
            || config.namespaceLabels().matches(ns.getMetadata().getLabels())) {
          nextNamespaces.add(Projection.namespace(ns));
        }
        continue;
      }
      if (namespace == null) {
        namespace = "default";
        object.getMetadata().setNamespace(namespace);
      }
      if (!index.configuredNamespace(namespace)) {
        continue;
      }
      impliedNamespaces.add(namespace);
      boolean selected =
          config.labels() == null || config.labels().matches(object.getMetadata().getLabels());
      if (object instanceof Service service && selected) {
        ServiceView view = projection.service(service);
        nextServices.put(view.key(), view);
      } else if (object instanceof EndpointSlice slice && selected) {
        EndpointSliceView view = config.noEndpoints() ? null : projection.slice(slice);
        if (view != null) {
          nextSlices.put(view.sliceKey(), view);
        }
        MultiClusterIndex.ClusterSlice exported = multicluster ? projection.multiClusterSlice(slice) : null;
        if (exported != null) {
          nextExported.put(exported.slice().sliceKey(), exported);
        }
      } else if (object instanceof GenericKubernetesResource serviceImport && multicluster) {
        MultiClusterIndex.ImportView view = Projection.serviceImport(serviceImport);
        String name = serviceImport.getMetadata().getName();
        if (view != null) {
          nextImports.put(namespace + "/" + name, view);
        } else if (index.multiCluster().skipImport(namespace, name)) {
          LOG.warn(
              "kubernetes: ServiceImport {}/{} is of type ClusterSetIP but has no valid IP in spec.ips;"
                  + " skipped, its name is not answered until it has one",
              namespace,
              name);
        }
      } else if (object instanceof Pod pod) {
        ClusterIndex.PodRef ref = projection.pod(pod);
        nextPods.put(ref.namespace() + "/" + ref.name(), ref);
      }
    }
    if (!sawNamespace) {
      nextNamespaces = impliedNamespaces;
    }
    applyNamespaces(nextNamespaces);
    applyServices(nextServices);
    applySlices(nextSlices);
    applyPods(nextPods);
    applyMultiCluster(nextImports, nextExported);
  }

  /** The ServiceImports and exported slices of the files, for the {@code multicluster} zones. */
  private void applyMultiCluster(
      Map<String, MultiClusterIndex.ImportView> nextImports,
      Map<String, MultiClusterIndex.ClusterSlice> nextExported) {
    MultiClusterIndex multiCluster = index.multiCluster();
    for (MultiClusterIndex.ImportView old : imports.values()) {
      if (!nextImports.containsKey(old.namespace() + "/" + old.name())) {
        multiCluster.removeImport(old.namespace(), old.name());
      }
    }
    for (Map.Entry<String, MultiClusterIndex.ImportView> entry : nextImports.entrySet()) {
      if (!Objects.equals(imports.get(entry.getKey()), entry.getValue())) {
        multiCluster.putImport(entry.getValue());
      }
    }
    imports = Map.copyOf(nextImports);
    for (MultiClusterIndex.ClusterSlice old : exportedSlices.values()) {
      if (!nextExported.containsKey(old.slice().sliceKey())) {
        multiCluster.removeSlice(old.slice().namespace(), old.slice().name());
      }
    }
    for (Map.Entry<String, MultiClusterIndex.ClusterSlice> entry : nextExported.entrySet()) {
      if (!Objects.equals(exportedSlices.get(entry.getKey()), entry.getValue())) {
        multiCluster.putSlice(entry.getValue());
      }
    }
    exportedSlices = Map.copyOf(nextExported);
  }

  private void applyNamespaces(Set<String> next) {
    for (String gone : new TreeSet<>(namespaces)) {
      if (!next.contains(gone)) {
        index.removeNamespace(gone);
      }
    }
    next.forEach(index::putNamespace);
    namespaces = Set.copyOf(next);
  }

  private void applyServices(Map<String, ServiceView> next) {
    for (ServiceView old : services.values()) {
      if (!next.containsKey(old.key())) {
        index.removeService(old.namespace(), old.name());
      }
    }
    for (ServiceView view : next.values()) {
      if (!Objects.equals(services.get(view.key()), view)) {
        index.putService(view);
      }
    }
    services = Map.copyOf(next);
  }

  private void applySlices(Map<String, EndpointSliceView> next) {
    for (EndpointSliceView old : slices.values()) {
      if (!next.containsKey(old.sliceKey())) {
        index.removeSlice(old.namespace(), old.name());
      }
    }
    for (EndpointSliceView view : next.values()) {
      if (!Objects.equals(slices.get(view.sliceKey()), view)) {
        index.putSlice(view);
      }
    }
    slices = Map.copyOf(next);
  }

  private void applyPods(Map<String, ClusterIndex.PodRef> next) {
    for (Map.Entry<String, ClusterIndex.PodRef> old : pods.entrySet()) {
      if (!next.containsKey(old.getKey())) {
        index.removePod(old.getValue().namespace(), old.getValue().name());
      }
    }
    for (Map.Entry<String, ClusterIndex.PodRef> entry : next.entrySet()) {
      if (!Objects.equals(pods.get(entry.getKey()), entry.getValue())) {
        index.putPod(entry.getValue());
      }
    }
    pods = Map.copyOf(next);
  }

  @Override
  public boolean hasSynced() {
    return synced;
  }

  @Override
  public CompletionStage<Void> firstSync() {
    return firstSync;
  }

  @Override
  public void watchPods() {
    // Pods in the directory are always read.
  }

  @Override
  public Map<String, Duration> syncAge() {
    Duration age = Duration.ofNanos(ticker.read() - lastLoadTick);
    Map<String, Duration> ages = new LinkedHashMap<>();
    for (String resource : List.of("services", "endpointslices", "namespaces", "pods")) {
      ages.put(resource, age);
    }
    return ages;
  }

  @Override
  public String describe() {
    return "offline directory " + directory.toAbsolutePath();
  }

  @Override
  public List<ResourceStatus> resourceStatus() {
    Instant loaded = synced ? lastLoad : null;
    List<ResourceStatus> status = new ArrayList<>();
    for (String resource : List.of("endpointslices", "namespaces", "pods", "services")) {
      status.add(new ResourceStatus(resource, synced, lastLoad, loaded, loaded));
    }
    return status;
  }

  /**
   * Reads every object file of {@code directory} without applying anything, for {@code corvus
   * doctor}.
   *
   * @return the number of objects read per file that parsed, and the error of each that did not
   */
  static FileCheck checkFiles(Path directory) throws IOException {
    Map<Path, String> errors = new LinkedHashMap<>();
    int files = 0;
    int objects = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path file : sorted(entries)) {
        if (!isObjectFile(file)) {
          continue;
        }
        files++;
        try {
          objects += ObjectFiles.read(file).size();
        } catch (IOException e) {
          errors.put(file, String.valueOf(e.getMessage()));
        }
      }
    }
    return new FileCheck(files, objects, errors);
  }

  /**
   * What {@link #checkFiles} found.
   *
   * @param files the object files in the directory
   * @param objects the objects read from the files that parsed
   * @param errors the error of each file that did not parse
   */
  record FileCheck(int files, int objects, Map<Path, String> errors) {}

  @Override
  public void close() {
    try {
      if (watchService != null) {
        watchService.close();
      }
    } catch (IOException e) {
      LOG.debug("kubernetes: offline: closing the watch of {}", directory, e);
    }
    if (watcher != null) {
      watcher.interrupt();
    }
  }
}
