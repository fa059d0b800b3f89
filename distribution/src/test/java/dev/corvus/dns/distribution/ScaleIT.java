package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.client.DnsClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Scale benchmark of the assembled distribution (issue #6), run only on request
 * ({@code mvn -B verify -pl distribution -Dgroups=scale -Dit.test=ScaleIT}): 10,000 Services
 * (80 % ClusterIP, 20 % headless) in 100 namespaces with one EndpointSlice each, 50,000 distinct
 * endpoint addresses in all, held by fabric8's mock API server in CRUD mode in this JVM, which
 * answers lists in pages as a real API server does ({@link PagingCrudDispatcher}). Corvus
 * runs in its own process as the pod runs it ({@link PodProcess}: the image's JVM flags, the
 * Deployment's memory limit) with the kubeadm Corefile of the shipped ConfigMap (ports moved to
 * loopback, {@code forward} to {@link UpstreamStub}, {@code endpoint} set to the mock's URL as a
 * pod's path takes no kubeconfig, or with {@code -Dscale.kubeconfig=true} a {@code kubeconfig}
 * reaching it), so its RSS is the server's alone.
 *
 * <p>Printed, one {@code ScaleIT:} line per figure: time from process start to {@code /ready} 200;
 * VmRSS at ready and after the load; the heap's live set after a full GC (jcmd); QPS and latency
 * (p50, p99, p99.9 and the maximum over every query, {@link DnsPerf}) of Service A lookups with
 * dnsperf for 20 s against Corvus (twice: the first 20 s after ready, then warm, which is compared)
 * and against unbound answering the same names from
 * {@code local-data}, in the same run (server on CPU 1, dnsperf on CPU 0, as bench/bench.sh
 * does). The targets (RSS at most CoreDNS's sizing formula × 1.5, QPS at least 0.7 × unbound's)
 * are printed with whether they are met; only correctness is asserted: ready, and the right
 * answers for a sample of names from both servers.
 *
 * <p>{@code -Dscale.memoryLimit=256Mi} sizes the heap from another memory limit than the
 * Deployment's (only the heap: nothing caps the process's RSS here); {@code -Dcorvus.it.javaOpts}
 * replaces the image's JAVA_OPTS, and with {@code -XX:NativeMemoryTracking=summary} among them the
 * native memory per category is printed too; {@code -Dscale.histogramFile=PATH} keeps the live
 * heap's class histogram, {@code -Dscale.heapDumpFile=PATH} a heap dump, and {@code
 * -Dscale.soakSeconds=N} keeps the load on for N seconds more before measuring the RSS again (with
 * each minute's p99.9 and maximum latency, so that a full collection shows where it fell), and
 * {@code -Dscale.seenProcessors=N} tells Corvus it has N CPUs (a node without a CPU limit), and
 * {@code -Dscale.unpaged=true} makes the mock answer every list in one piece, ignoring its limit,
 * and {@code -Dscale.kubeconfig=true} has Corvus reach it through a kubeconfig.
 */
@Tag("scale")
class ScaleIT {

  private static final int NAMESPACES = 100;
  private static final int SERVICES_PER_NAMESPACE = 100;
  private static final int SERVICES = NAMESPACES * SERVICES_PER_NAMESPACE;
  /** Every fifth Service is headless: 20 %. */
  private static final int HEADLESS_EVERY = 5;
  private static final int ENDPOINTS_PER_SERVICE = 5;
  private static final int ENDPOINT_ADDRESSES = SERVICES * ENDPOINTS_PER_SERVICE;
  private static final int TTL = 30;
  private static final int DNSPERF_SECONDS = 20;
  private static final int SAMPLE = 200;
  private static final Duration START_DEADLINE = Duration.ofSeconds(120);
  private static final String ZONE = "cluster.local.";
  private static final String CREATED = "2026-01-01T00:00:00Z";
  /** Overrides the Deployment's memory limit (a Kubernetes quantity such as 256Mi), to measure at another size. */
  private static final String MEMORY_LIMIT_PROPERTY = "scale.memoryLimit";
  /** Seconds of load after the two measured runs, to see the memory settle; 0 (default) skips it. */
  private static final String SOAK_PROPERTY = "scale.soakSeconds";
  private static final String SEEN_PROCESSORS_PROPERTY = "scale.seenProcessors";
  /** Reach the mock through a kubeconfig instead of {@code endpoint}. */
  private static final String KUBECONFIG_PROPERTY = "scale.kubeconfig";
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
  private static final Pattern HEAP_SPACE = Pattern.compile("(?m)^\\s*(\\S.*?)\\s+total (\\d+)K, used (\\d+)K");
  private static final Pattern NMT_TOTAL = Pattern.compile("(?m)^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern NMT_CATEGORY =
      Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<AutoCloseable> running = new ArrayList<>();
  private Path workDir;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void tenThousandServicesAndFiftyThousandEndpointAddresses() throws Exception {
    workDir = Files.createTempDirectory("scale-it");
    ScaleCluster cluster = open(new ScaleCluster());
    long loadStarted = System.nanoTime();
    cluster.load();
    print("cluster %d Services (%d ClusterIP, %d headless) in %d namespaces, %d EndpointSlices, %d endpoint"
            + " addresses (all ready, all distinct); stored in the mock API server and listed back in %d ms",
        SERVICES, SERVICES - SERVICES / HEADLESS_EVERY, SERVICES / HEADLESS_EVERY, NAMESPACES, SERVICES,
        ENDPOINT_ADDRESSES, millisSince(loadStarted));

    UpstreamStub upstream = open(new UpstreamStub());
    Ports ports = new Ports(CorvusProcess.freePort(), CorvusProcess.freePort(), CorvusProcess.freePort(),
        CorvusProcess.freePort());
    Path corefile = Files.writeString(workDir.resolve("Corefile"),
        corefile(ports, upstream, apiAccess(cluster, workDir)));
    String memoryLimit = memoryLimit();

    // Pinned to one CPU once ready, Corvus is told so from the start (as a pod with a 1-CPU limit
    // is): otherwise it runs an I/O thread and a UDP socket per CPU it saw at start, two event
    // loops taking turns on the one CPU, against an unbound with one thread.
    Pinning pinning = Pinning.detect();
    String oneCpu = pinning.taskset().isPresent() ? " -XX:ActiveProcessorCount=1" : "";
    // -Dscale.seenProcessors=N: what a pod on an N-CPU node without a CPU limit sees (one event
    // loop per CPU, the compiler threads sized from N), still run on the one pinned CPU.
    String seen = System.getProperty(SEEN_PROCESSORS_PROPERTY, "");
    if (!seen.isBlank()) {
      oneCpu = " -XX:ActiveProcessorCount=" + Integer.parseInt(seen.strip());
    }
    int listsBefore = cluster.listsServed();
    long listMillisBefore = cluster.listMillis();
    PodProcess corvus = open(PodProcess.start(workDir, memoryLimit + oneCpu, "-conf", corefile.toString()));
    print("Corvus pid %d, CORVUS_HEAP \"%s\", JAVA_OPTS \"%s\"", corvus.process().pid(),
        corvus.heapOptions(), corvus.javaOptions());
    long readyMillis;
    try {
      readyMillis = awaitReady(corvus, ports.ready(), corvus.startedNanos());
    } catch (AssertionError e) {
      throw new AssertionError("after " + cluster.pagesServed() + " list pages: " + e.getMessage(), e);
    }
    double rssAtReady = mebibytes(corvus.residentKib());
    print("time to ready (process start -> /ready 200): %d ms; the informers listed in %d pages (limit 500)",
        readyMillis, cluster.pagesServed());
    print("of which the mock API server spent %d ms producing the %d list answers (summed over"
        + " requests; the mock and Corvus share the CPUs)", cluster.listMillis() - listMillisBefore,
        cluster.listsServed() - listsBefore);
    print("RSS at ready: %s (%s)", rssVersusTarget(rssAtReady), corvus.residentParts());
    long logLinesAtReady = corvus.output().lines().count();
    corvus.output().lines().filter(ScaleIT::noteworthy).forEach(line -> print("server log before ready: %s", line));

    InetSocketAddress corvusDns = loopback(ports.dns());
    assertSampleAnswered("Corvus", corvusDns);
    print("answers checked: %d sampled Service names (ClusterIP and headless) answered by Corvus as expected",
        SAMPLE);

    heapLiveSet(corvus.process().pid());
    if (corvus.javaOptions().contains("-XX:NativeMemoryTracking=")) {
      nativeMemory(corvus.process().pid());
    }

    Path queries = writeQueryFile();
    Optional<Path> dnsperf = executable("dnsperf", "/usr/bin/dnsperf", "/usr/local/bin/dnsperf");
    if (dnsperf.isEmpty()) {
      print("dnsperf not installed: QPS not measured (apt-get install dnsperf)");
      return;
    }
    pinning.pinServer(corvus.process().pid(), workDir);
    print("dnsperf: %d s per run, every Service's A name (%d, shuffled), 4 clients, 200 outstanding; %s",
        DNSPERF_SECONDS, SERVICES, pinning.description());
    DnsPerf coldRun = dnsperf(dnsperf.get(), pinning, corvusDns, queries, DNSPERF_SECONDS);
    assertAllAnswered("Corvus", coldRun);
    print("Corvus, the first %d s after ready (JIT compilation and cache filling included): %s",
        DNSPERF_SECONDS, coldRun.summary());
    DnsPerf corvusRun = dnsperf(dnsperf.get(), pinning, corvusDns, queries, DNSPERF_SECONDS);
    assertAllAnswered("Corvus", corvusRun);
    double rssAfterLoad = mebibytes(corvus.residentKib());
    String partsAfterLoad = corvus.residentParts();
    print("Corvus, the next %d s (warm): %s", DNSPERF_SECONDS, corvusRun.summary());
    print("RSS after the dnsperf runs: %s (%s)", rssVersusTarget(rssAfterLoad), partsAfterLoad);
    print("peak RSS (VmHWM) so far: %s", rssVersusTarget(mebibytes(corvus.peakResidentKib())));
    int soakSeconds = Integer.getInteger(SOAK_PROPERTY, 0);
    if (soakSeconds > 0) {
      // Cache entries expire every TTL and are promoted again: only minutes show whether the old
      // generation, and with it the RSS, settles below the target.
      DnsPerf soak = dnsperf(dnsperf.get(), pinning, corvusDns, queries, soakSeconds);
      printServerLogUnderLoad(corvus, logLinesAtReady, cluster);
      assertAllAnswered("Corvus", soak);
      print("Corvus, %d s more (soak): %s", soakSeconds, soak.summary());
      print("soak latency %s", soak.perMinute());
      print("RSS after the soak: %s", rssVersusTarget(mebibytes(corvus.residentKib())));
      print("peak RSS (VmHWM) since start: %s", rssVersusTarget(mebibytes(corvus.peakResidentKib())));
    }
    if (soakSeconds == 0) {
      printServerLogUnderLoad(corvus, logLinesAtReady, cluster);
    }
    corvus.close();
    corvus.process().waitFor(30, TimeUnit.SECONDS); // unbound gets CPU 1 to itself

    Optional<Path> unbound = executable("unbound", "/usr/sbin/unbound");
    if (unbound.isEmpty()) {
      print("unbound not installed: no comparison (apt-get install unbound)");
      return;
    }
    InetSocketAddress unboundDns = loopback(CorvusProcess.freePort());
    Process unboundProcess = startUnbound(unbound.get(), pinning, unboundDns.getPort());
    running.add(unboundProcess::destroyForcibly);
    awaitAnswer(unboundDns, unboundProcess);
    assertSampleAnswered("unbound", unboundDns);
    DnsPerf unboundRun = dnsperf(dnsperf.get(), pinning, unboundDns, queries, DNSPERF_SECONDS);
    assertAllAnswered("unbound", unboundRun);
    print("unbound (local-data, num-threads 1): %s; RSS %.1f MiB", unboundRun.summary(),
        mebibytes(residentKib(unboundProcess.pid())));
    double ratio = corvusRun.qps() / unboundRun.qps();
    print("QPS Corvus (warm)/unbound %.2f (%.0f / %.0f); target >= 0.70: %s", ratio, corvusRun.qps(), unboundRun.qps(),
        ratio >= 0.7 ? "met" : "NOT met");
  }

  @AfterEach
  void stopEverything() throws Exception {
    Collections.reverse(running);
    for (AutoCloseable closeable : running) {
      closeable.close();
    }
    running.clear();
    if (workDir != null) {
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  // ---- the cluster ----

  private static String namespace(int ns) {
    return "ns" + ns;
  }

  private static String service(int svc) {
    return "svc" + svc;
  }

  private static String serviceName(int ns, int svc) {
    return service(svc) + "." + namespace(ns) + ".svc." + ZONE;
  }

  private static boolean headless(int svc) {
    return svc % HEADLESS_EVERY == HEADLESS_EVERY - 1;
  }

  private static String clusterIp(int ns, int svc) {
    return "10.100." + ns + "." + (svc + 1);
  }

  /** The Service's endpoint addresses: 10.244.0.0/16 from 10.244.1.0 on, one distinct block of 5 per Service. */
  private static List<String> endpointAddresses(int ns, int svc) {
    List<String> addresses = new ArrayList<>(ENDPOINTS_PER_SERVICE);
    int first = 256 + (ns * SERVICES_PER_NAMESPACE + svc) * ENDPOINTS_PER_SERVICE;
    for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
      int k = first + e;
      addresses.add("10.244." + (k >> 8) + "." + (k & 0xff));
    }
    return addresses;
  }

  /** What a Service's A name answers: its ClusterIP, or for a headless Service its ready endpoints. */
  private static Set<String> expectedAddresses(int ns, int svc) {
    return headless(svc) ? new LinkedHashSet<>(endpointAddresses(ns, svc)) : Set.of(clusterIp(ns, svc));
  }

  /**
   * fabric8's mock API server in CRUD mode (real lists and watches) holding the scale cluster.
   * The objects are stored through the dispatcher's own persistence ({@code processEvent}, what
   * its POST handler calls once it has checked for a name conflict), before any client connects:
   * that check scans every stored object, so 20,100 creates over HTTP take about two minutes
   * (measured: 113 s with 8 threads), this takes a few seconds. Each object gets the metadata a
   * POST would give it (uid, resourceVersion, creationTimestamp, generation).
   */
  private static final class ScaleCluster implements AutoCloseable {

    private final PagingCrudDispatcher dispatcher = new PagingCrudDispatcher();
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    ScaleCluster() {
      // One INFO line per request slows the mock down more than the requests themselves.
      Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
      server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
      server.init(InetAddress.getLoopbackAddress(), 0);
      client = server.createClient();
    }

    int pagesServed() {
      return dispatcher.pagesServed();
    }

    int listsServed() {
      return dispatcher.listsServed();
    }

    long listMillis() {
      return dispatcher.listMillis();
    }

    void load() {
      for (int ns = 0; ns < NAMESPACES; ns++) {
        store("/api/v1/namespaces",
            new NamespaceBuilder().withNewMetadata().withName(namespace(ns)).endMetadata().build());
        for (int svc = 0; svc < SERVICES_PER_NAMESPACE; svc++) {
          store("/api/v1/namespaces/" + namespace(ns) + "/services", service(ns, svc));
          store("/apis/discovery.k8s.io/v1/namespaces/" + namespace(ns) + "/endpointslices", slice(ns, svc));
        }
      }
      // Read back through the API, as the informers will list them.
      assertEquals(NAMESPACES, client.namespaces().list().getItems().size());
      assertEquals(SERVICES, client.services().inAnyNamespace().list().getItems().size());
      List<EndpointSlice> slices = client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems();
      assertEquals(SERVICES, slices.size());
      assertEquals(ENDPOINT_ADDRESSES, slices.stream().flatMap(slice -> slice.getEndpoints().stream())
          .flatMap(endpoint -> endpoint.getAddresses().stream()).distinct().count());
    }

    private void store(String path, HasMetadata object) {
      object.getMetadata().setUid(UUID.randomUUID().toString());
      object.getMetadata().setResourceVersion(Long.toString(dispatcher.requestResourceVersion()));
      object.getMetadata().setCreationTimestamp(CREATED);
      object.getMetadata().setGeneration(1L);
      GenericKubernetesResource resource =
          client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
      dispatcher.processEvent(path, dispatcher.getKey(path), null, resource, Serialization.asJson(resource));
    }

    private static Service service(int ns, int svc) {
      ServiceBuilder builder = new ServiceBuilder()
          .withNewMetadata().withNamespace(namespace(ns)).withName(ScaleIT.service(svc)).endMetadata();
      var spec = builder.withNewSpec()
          .withType("ClusterIP")
          .withSelector(Map.of("app", ScaleIT.service(svc)))
          .withPorts(new ServicePortBuilder().withName("http").withProtocol("TCP").withPort(80).build());
      if (headless(svc)) {
        spec.withClusterIP("None");
      } else {
        spec.withClusterIP(clusterIp(ns, svc)).withClusterIPs(clusterIp(ns, svc));
      }
      return spec.endSpec().build();
    }

    private static EndpointSlice slice(int ns, int svc) {
      List<Endpoint> endpoints = endpointAddresses(ns, svc).stream()
          .map(address -> new EndpointBuilder().withAddresses(address)
              .withNewConditions().withReady(true).endConditions().build())
          .toList();
      return new EndpointSliceBuilder()
          .withNewMetadata().withNamespace(namespace(ns)).withName(ScaleIT.service(svc) + "-abcde")
          .withLabels(Map.of("kubernetes.io/service-name", ScaleIT.service(svc))).endMetadata()
          .withAddressType("IPv4")
          .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
          .withEndpoints(endpoints)
          .build();
    }

    String url() {
      return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    /** A kubeconfig whose current context reaches this API server, as a user with a token. */
    Path writeKubeconfig(Path directory) throws IOException {
      return Files.writeString(directory.resolve("kubeconfig"), """
          apiVersion: v1
          kind: Config
          clusters:
          - name: scale
            cluster:
              server: %s
          users:
          - name: corvus
            user:
              token: scale-token
          contexts:
          - name: scale
            context:
              cluster: scale
              user: corvus
          current-context: scale
          """.formatted(url()));
    }

    @Override
    public void close() {
      client.close();
      server.destroy();
    }
  }

  // ---- Corvus ----

  private record Ports(int dns, int health, int ready, int metrics) {}

  /** The Deployment's memory limit as {@code -XX:MaxRAM} (the pod's cgroup limit), unless overridden. */
  private static String memoryLimit() throws IOException {
    String override = System.getProperty(MEMORY_LIMIT_PROPERTY, "");
    if (override.isBlank()) {
      String limit = ClusterDnsIT.deploymentMemoryLimit();
      print("memory limit: the Deployment's, %s", limit);
      return limit;
    }
    String limit = "-XX:MaxRAM=" + Quantity.getAmountInBytes(new Quantity(override)).toBigInteger();
    print("memory limit: %s from -D%s (the Deployment's is %s)", override, MEMORY_LIMIT_PROPERTY,
        ClusterDnsIT.deploymentMemoryLimit());
    return limit;
  }

  /**
   * How the kubernetes block reaches the mock: {@code endpoint URL}, as close to a pod's path as
   * plain HTTP gets (a pod reads no kubeconfig); with {@code -Dscale.kubeconfig=true} a kubeconfig,
   * whose parsing by fabric8 costs a start more (its static serializer loads and instantiates
   * every model class it knows).
   */
  private static String apiAccess(ScaleCluster cluster, Path workDir) throws IOException {
    if (Boolean.getBoolean(KUBECONFIG_PROPERTY)) {
      print("API access: kubeconfig (-D%s=true)", KUBECONFIG_PROPERTY);
      return "       kubeconfig " + cluster.writeKubeconfig(workDir) + "\n";
    }
    return "       endpoint " + cluster.url() + "\n";
  }

  /** The shipped ConfigMap's (kubeadm) Corefile with ports, upstream and API server access moved for the test. */
  private static String corefile(Ports ports, UpstreamStub upstream, String apiAccess) throws IOException {
    String corefile;
    try (InputStream in = Files.newInputStream(
        CorvusProcess.home().resolve("kubernetes/cluster-dns/configmap.yaml"))) {
      corefile = Serialization.unmarshal(in, ConfigMap.class).getData().get("Corefile");
    }
    corefile = replaceOnce(corefile, ".:53 {", ".:" + ports.dns() + " {");
    corefile = replaceOnce(corefile, "    health {", "    health 127.0.0.1:" + ports.health() + " {");
    corefile = replaceOnce(corefile, "    ready\n", "    ready 127.0.0.1:" + ports.ready() + "\n");
    corefile = replaceOnce(corefile, "prometheus :9153", "prometheus 127.0.0.1:" + ports.metrics());
    corefile = replaceOnce(corefile, "forward . /etc/resolv.conf {", "forward . " + upstream.hostAndPort() + " {");
    return replaceOnce(corefile, "       pods insecure\n",
        apiAccess + "       pods insecure\n");
  }

  private static String replaceOnce(String text, String target, String replacement) {
    int at = text.indexOf(target);
    if (at < 0 || text.indexOf(target, at + 1) >= 0) {
      throw new IllegalStateException("expected exactly one '" + target + "' in\n" + text);
    }
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }

  private long awaitReady(PodProcess corvus, int readyPort, long startedNanos) throws Exception {
    long deadline = startedNanos + START_DEADLINE.toNanos();
    URI ready = URI.create("http://127.0.0.1:" + readyPort + "/ready");
    while (System.nanoTime() < deadline) {
      if (!corvus.process().isAlive()) {
        print("NOT ready: Corvus exited with %d after %d ms: %s", corvus.process().exitValue(),
            millisSince(startedNanos), corvus.output().lines().filter(l -> l.contains("Error"))
                .findFirst().orElse("see its output"));
        throw new AssertionError("corvus exited with " + corvus.process().exitValue() + ":\n" + corvus.output());
      }
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return millisSince(startedNanos);
        }
      } catch (IOException notListeningYet) {
        // the listener is not bound yet
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25)); // poll interval
    }
    throw new AssertionError("not ready within " + START_DEADLINE + ":\n" + corvus.output());
  }

  /**
   * The heap's live set: {@code jcmd GC.class_histogram} counts live objects only, after a full
   * collection it forces; {@code GC.heap_info} then gives the committed and used sizes per space.
   */
  private void heapLiveSet(long pid) throws Exception {
    Path jcmd = executable("jcmd", Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), "/usr/bin/jcmd")
        .orElse(null);
    if (jcmd == null) {
      print("heap live set not measured: no jcmd");
      return;
    }
    Command.Result histogram = Command.run(List.of(jcmd.toString(), Long.toString(pid), "GC.class_histogram"),
        Duration.ofSeconds(60), workDir);
    Matcher total = HISTOGRAM_TOTAL.matcher(histogram.output());
    if (histogram.status() != 0 || !total.find()) {
      print("heap live set not measured: jcmd GC.class_histogram said %s", tail(histogram.output()));
      return;
    }
    long liveBytes = Long.parseLong(total.group(2));
    String histogramFile = System.getProperty("scale.histogramFile", "");
    if (!histogramFile.isBlank()) {
      Files.writeString(Path.of(histogramFile), histogram.output());
    }
    String heapDumpFile = System.getProperty("scale.heapDumpFile", "");
    if (!heapDumpFile.isBlank()) {
      Command.run(List.of(jcmd.toString(), Long.toString(pid), "GC.heap_dump", heapDumpFile), Duration.ofSeconds(60),
          workDir);
    }
    Command.Result heapInfo = Command.run(List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info"),
        Duration.ofSeconds(60), workDir);
    Matcher spaces = HEAP_SPACE.matcher(heapInfo.output());
    List<String> described = new ArrayList<>();
    long committedKib = 0;
    while (spaces.find()) {
      committedKib += Long.parseLong(spaces.group(2));
      described.add(spaces.group(1) + " " + spaces.group(3) + "K used of " + spaces.group(2) + "K");
    }
    print("heap live set after a full GC: %.1f MiB in %s objects (jcmd GC.class_histogram); heap committed"
            + " %.1f MiB (%s)",
        liveBytes / 1048576.0, total.group(1), committedKib / 1024.0, String.join(", ", described));
  }

  /**
   * Where the resident memory beyond the heap goes, when JAVA_OPTS turn on native memory tracking
   * ({@code -Dcorvus.it.javaOpts="... -XX:NativeMemoryTracking=summary"}): committed KiB per
   * category, largest first. Memory malloc'd outside the JVM's accounting (glibc arenas) is
   * the difference between RSS and the total.
   */
  private void nativeMemory(long pid) throws Exception {
    Path jcmd = executable("jcmd", Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), "/usr/bin/jcmd")
        .orElseThrow();
    Command.Result summary = Command.run(List.of(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary", "scale=KB"),
        Duration.ofSeconds(60), workDir);
    Matcher total = NMT_TOTAL.matcher(summary.output());
    if (summary.status() != 0 || !total.find()) {
      print("native memory not measured: jcmd VM.native_memory said %s", tail(summary.output()));
      return;
    }
    record Category(String name, long committedKib) {}
    List<Category> categories = new ArrayList<>();
    Matcher category = NMT_CATEGORY.matcher(summary.output());
    while (category.find()) {
      categories.add(new Category(category.group(1).strip(), Long.parseLong(category.group(3))));
    }
    categories.sort(Comparator.comparingLong(Category::committedKib).reversed());
    print("native memory tracking: committed %.1f MiB in all; %s", Long.parseLong(total.group(2)) / 1024.0,
        categories.stream().filter(c -> c.committedKib() >= 1024)
            .map(c -> String.format("%s %.1f MiB", c.name(), c.committedKib() / 1024.0))
            .collect(Collectors.joining(", ")));
  }

  // ---- queries ----

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** A deterministic sample of Services, both kinds, checked against what the cluster says they answer. */
  private static void assertSampleAnswered(String server, InetSocketAddress address) throws IOException {
    DnsClient dns = new DnsClient(address, Duration.ofSeconds(3));
    Random random = new Random(6);
    for (int i = 0; i < SAMPLE; i++) {
      int ns = random.nextInt(NAMESPACES);
      int svc = i % HEADLESS_EVERY == 0 ? HEADLESS_EVERY - 1 + HEADLESS_EVERY * random.nextInt(
          SERVICES_PER_NAMESPACE / HEADLESS_EVERY) : random.nextInt(SERVICES_PER_NAMESPACE);
      String name = serviceName(ns, svc);
      Message answer = dns.udp(name, Type.A);
      assertEquals(Rcode.NOERROR, answer.getRcode(), server + " " + name + ":\n" + answer);
      Set<String> addresses = answer.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
          .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toSet());
      assertEquals(expectedAddresses(ns, svc), addresses, server + " " + name);
    }
  }

  private static void awaitAnswer(InetSocketAddress address, Process process) throws Exception {
    DnsClient dns = new DnsClient(address, Duration.ofMillis(500));
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (true) {
      try {
        dns.udp(serviceName(0, 0), Type.A);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("no answer from " + address + " (alive: " + process.isAlive() + ")", notYet);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25)); // poll interval
      }
    }
  }

  /** Every Service's A name once, in a fixed shuffled order (dnsperf loops over the file). */
  private Path writeQueryFile() throws IOException {
    List<String> lines = new ArrayList<>(SERVICES);
    for (int ns = 0; ns < NAMESPACES; ns++) {
      for (int svc = 0; svc < SERVICES_PER_NAMESPACE; svc++) {
        lines.add(serviceName(ns, svc) + " A");
      }
    }
    Collections.shuffle(lines, new Random(6));
    return Files.write(workDir.resolve("queries"), lines);
  }

  private static void assertAllAnswered(String server, DnsPerf run) {
    assertTrue(run.completed() > 0, server + " answered no query:\n" + run.statistics());
    for (String failure : List.of("NXDOMAIN", "SERVFAIL", "REFUSED", "FORMERR", "NOTIMP")) {
      assertFalse(run.responseCodes().contains(failure), server + " answered " + run.responseCodes());
    }
  }

  /** dnsperf against {@code server} for {@code seconds}, with every query's latency ({@code -v}). */
  private static DnsPerf dnsperf(Path dnsperf, Pinning pinning, InetSocketAddress server, Path queries, int seconds)
      throws Exception {
    List<String> command = new ArrayList<>(pinning.client());
    command.addAll(List.of(dnsperf.toString(), "-s", server.getAddress().getHostAddress(),
        "-p", Integer.toString(server.getPort()), "-d", queries.toString(), "-l", Integer.toString(seconds),
        "-c", "4", "-q", "200", "-t", "2", "-v"));
    return DnsPerf.run(command, Duration.ofSeconds(seconds + 30));
  }

  /**
   * Server on CPU 1 and dnsperf on CPU 0 when the machine has two CPUs and taskset, as
   * bench/bench.sh runs them, so that the load generator does not take the server's CPU.
   */
  private record Pinning(Optional<Path> taskset) {

    static Pinning detect() {
      return new Pinning(Runtime.getRuntime().availableProcessors() >= 2
          ? executable("taskset", "/usr/bin/taskset") : Optional.empty());
    }

    List<String> client() {
      return taskset.map(t -> List.of(t.toString(), "-c", "0")).orElse(List.of());
    }

    List<String> server() {
      return taskset.map(t -> List.of(t.toString(), "-c", "1")).orElse(List.of());
    }

    /** Moves every thread of a running process to CPU 1 (threads started later inherit it). */
    void pinServer(long pid, Path workDir) throws Exception {
      if (taskset.isPresent()) {
        Command.Result result = Command.run(
            List.of(taskset.get().toString(), "-a", "-p", "-c", "1", Long.toString(pid)), Duration.ofSeconds(10),
            workDir);
        assertEquals(0, result.status(), result.output());
      }
    }

    String description() {
      return taskset.isPresent() ? "server on CPU 1, dnsperf on CPU 0 (Corvus pinned once ready)" : "no CPU pinning";
    }
  }

  private Process startUnbound(Path unbound, Pinning pinning, int port) throws IOException {
    StringBuilder conf = new StringBuilder();
    conf.append("server:\n")
        .append("  interface: 127.0.0.1@").append(port).append('\n')
        .append("  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n")
        .append("  directory: \"").append(workDir).append("\"\n")
        .append("  pidfile: \"").append(workDir.resolve("unbound.pid")).append("\"\n")
        .append("  use-syslog: no\n  logfile: \"\"\n  verbosity: 0\n  num-threads: 1\n  do-ip6: no\n")
        .append("  access-control: 127.0.0.0/8 allow\n  module-config: \"iterator\"\n")
        .append("  local-zone: \"").append(ZONE).append("\" static\n");
    for (int ns = 0; ns < NAMESPACES; ns++) {
      for (int svc = 0; svc < SERVICES_PER_NAMESPACE; svc++) {
        for (String address : expectedAddresses(ns, svc)) {
          conf.append("  local-data: \"").append(serviceName(ns, svc)).append(' ').append(TTL)
              .append(" IN A ").append(address).append("\"\n");
        }
      }
    }
    Path file = Files.writeString(workDir.resolve("unbound.conf"), conf);
    List<String> command = new ArrayList<>(pinning.server());
    command.addAll(List.of(unbound.toString(), "-d", "-c", file.toString()));
    return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(workDir.resolve("unbound.log").toFile()).start();
  }

  // ---- processes and figures ----

  /** A command run to completion with its output captured in a file. */
  private static final class Command {

    record Result(int status, String output) {}

    static Result run(List<String> command, Duration timeout, Path workDir) throws Exception {
      Path out = Files.createTempFile(workDir, "command", ".out");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
  }

  private static Optional<Path> executable(String name, String... candidates) {
    Stream<Path> fromPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name));
    return Stream.concat(Stream.of(candidates).map(Path::of), fromPath).filter(Files::isExecutable).findFirst();
  }

  /** CoreDNS's sizing: MB = (pods + services) / 1000 + 54, times 1.5; pods taken as the distinct endpoint addresses. */
  private static double rssTargetMegabytes() {
    return ((ENDPOINT_ADDRESSES + SERVICES) / 1000.0 + 54) * 1.5;
  }

  private static String rssVersusTarget(double rssMebibytes) {
    double rssMegabytes = rssMebibytes * 1048576 / 1e6;
    double target = rssTargetMegabytes();
    return String.format("%.1f MiB = %.1f MB; target <= %.1f MB = ((%d pods + %d services)/1000 + 54) x 1.5,"
            + " pods taken as the %d distinct endpoint addresses: %s",
        rssMebibytes, rssMegabytes, target, ENDPOINT_ADDRESSES, SERVICES, ENDPOINT_ADDRESSES,
        rssMegabytes <= target ? "met" : "NOT met");
  }

  private static long residentKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }

  private static void printServerLogUnderLoad(PodProcess corvus, long logLinesAtReady, ScaleCluster cluster)
      throws IOException {
    corvus.output().lines().skip(logLinesAtReady).filter(ScaleIT::noteworthy)
        .forEach(line -> print("server log under load: %s", line));
    print("list pages served by the mock API server since the start: %d", cluster.pagesServed());
  }

  /** Warnings, errors and the kubernetes plugin's own lines (watches lost, lists, restarts). */
  private static boolean noteworthy(String line) {
    return line.startsWith("[WARN]") || line.startsWith("[ERROR]") || line.contains("kubernetes:");
  }

  private static double mebibytes(long kib) {
    return kib / 1024.0;
  }

  private static long millisSince(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static String tail(String output) {
    return output.length() <= 500 ? output : output.substring(output.length() - 500);
  }

  private static void print(String format, Object... args) {
    System.out.println("ScaleIT: " + String.format(format, args));
  }

  private <T extends AutoCloseable> T open(T closeable) {
    running.add(closeable);
    return closeable;
  }
}
