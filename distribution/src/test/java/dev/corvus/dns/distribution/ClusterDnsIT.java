package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.client.DnsClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The assembled distribution as the cluster DNS: {@code bin/corvus} started as the image starts it
 * ({@link PodProcess}: the image's JVM flags, the Deployment's memory limit), serving the Corefile the {@code coredns}
 * ConfigMap ships, against a fabric8 mock API server holding {@link DemoCluster}. The Corefile is
 * the kubeadm one with only what a test must change: the ports (DNS, health, ready, prometheus
 * moved to free loopback ports), {@code forward} pointed at {@link UpstreamStub} instead of
 * /etc/resolv.conf, and one added {@code kubeconfig} line (in a pod the plugin uses the service
 * account instead); an {@code admin} endpoint and a {@code rewrite} are added for the diagnostics
 * tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterDnsIT {

  private static final Duration START_DEADLINE = Duration.ofSeconds(60);
  private static final String ZONE = "cluster.local.";

  private Path workDir;
  private DemoCluster cluster;
  private UpstreamStub upstream;
  private PodProcess corvus;
  private DnsClient dns;
  private int healthPort;
  private int readyPort;
  private int metricsPort;
  private int adminPort;
  private int dnsPort;
  private Message firstQueryAfterReady;
  private IOException firstQueryFailure;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void startCorvusAgainstTheDemoCluster() throws Exception {
    workDir = Files.createTempDirectory("cluster-dns-it");
    cluster = new DemoCluster();
    upstream = new UpstreamStub();
    dnsPort = CorvusProcess.freePort();
    healthPort = CorvusProcess.freePort();
    readyPort = CorvusProcess.freePort();
    metricsPort = CorvusProcess.freePort();
    adminPort = CorvusProcess.freePort();
    Path kubeconfig = cluster.writeKubeconfig(workDir);
    Path corefile = Files.writeString(workDir.resolve("Corefile"), testCorefile(kubeconfig));

    corvus = PodProcess.start(workDir, deploymentMemoryLimit(), "-conf", corefile.toString());
    Duration toReady = awaitReady(corvus.startedNanos());
    long rssKib = corvus.residentKib();
    System.out.printf("ClusterDnsIT: /ready 200 after %d ms from process start; VmRSS %.1f MiB; JAVA_OPTS %s%n",
        toReady.toMillis(), rssKib / 1024.0, corvus.javaOptions());
    dns = new DnsClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort), Duration.ofSeconds(3));
    // The kubelet sends traffic as soon as /ready says 200: record whether DNS answered then, and
    // let the other tests start only once it does.
    try {
      firstQueryAfterReady = dns.tcp("kubernetes.default.svc." + ZONE, Type.A);
    } catch (IOException e) {
      firstQueryFailure = e;
    }
    awaitDnsAnswers();
  }

  @Test
  void dnsAnswersAsSoonAsReadyIsOk() {
    assertTrue(firstQueryFailure == null,
        "a query sent right after /ready returned 200 failed: " + firstQueryFailure);
    assertEquals(Set.of("10.96.0.1"), addresses(firstQueryAfterReady));
  }

  @AfterAll
  void stop() throws Exception {
    if (corvus != null) {
      corvus.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (workDir != null) {
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The ConfigMap's Corefile, with ports, upstream and API server access moved for the test. */
  private String testCorefile(Path kubeconfig) throws IOException {
    String corefile = configMapCorefile();
    corefile = replaceOnce(corefile, ".:53 {", ".:" + dnsPort + " {");
    corefile = replaceOnce(corefile, "    health {", "    health 127.0.0.1:" + healthPort + " {");
    corefile = replaceOnce(corefile, "    ready\n", "    ready 127.0.0.1:" + readyPort + "\n");
    corefile = replaceOnce(corefile, "prometheus :9153", "prometheus 127.0.0.1:" + metricsPort
        + "\n    admin 127.0.0.1:" + adminPort
        + "\n    rewrite name exact dns.corp.internal kube-dns.kube-system.svc." + ZONE);
    corefile = replaceOnce(corefile, "forward . /etc/resolv.conf {", "forward . " + upstream.hostAndPort() + " {");
    return replaceOnce(corefile, "       pods insecure\n", "       kubeconfig " + kubeconfig + "\n       pods insecure\n");
  }

  // ---- cluster names (kubernetes plugin) ----

  @Test
  void clusterIpServiceAnswersItsClusterIpWithTheCorefileTtl() throws IOException {
    Message answer = dns.udp("web.team-a.svc." + ZONE, Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode(), answer.toString());
    assertEquals(Set.of("10.96.1.1"), addresses(answer));
    long ttl = answer.getSection(Section.ANSWER).get(0).getTTL();
    assertTrue(ttl > 0 && ttl <= 30, "ttl 30 from the Corefile, at most: " + ttl);
    Message overTcp = dns.tcp("web.team-a.svc." + ZONE, Type.A);
    assertEquals(Set.of("10.96.1.1"), addresses(overTcp));
  }

  @Test
  void headlessServiceAnswersItsReadyEndpointsOnly() throws IOException {
    Message answer = dns.udp("db.team-a.svc." + ZONE, Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode(), answer.toString());
    assertEquals(Set.of("10.244.1.10", "10.244.1.11"), addresses(answer));
    assertEquals(Set.of("10.244.1.10"), addresses(dns.udp("db-0.db.team-a.svc." + ZONE, Type.A)));
  }

  @Test
  void srvNamesThePortAndTheServiceOrItsEndpoints() throws IOException {
    Message clusterIp = dns.udp("_http._tcp.web.team-a.svc." + ZONE, Type.SRV);
    assertEquals(Rcode.NOERROR, clusterIp.getRcode(), clusterIp.toString());
    SRVRecord web = (SRVRecord) clusterIp.getSection(Section.ANSWER).get(0);
    assertEquals(80, web.getPort());
    assertEquals(Name.fromConstantString("web.team-a.svc." + ZONE), web.getTarget());

    Message headless = dns.udp("_postgres._tcp.db.team-a.svc." + ZONE, Type.SRV);
    Set<String> targets = headless.getSection(Section.ANSWER).stream()
        .map(r -> ((SRVRecord) r).getTarget().toString() + ":" + ((SRVRecord) r).getPort())
        .collect(Collectors.toSet());
    assertEquals(Set.of("db-0.db.team-a.svc." + ZONE + ":5432", "db-1.db.team-a.svc." + ZONE + ":5432"),
        targets);
    assertEquals(Set.of("10.244.1.10", "10.244.1.11"), additionalAddresses(headless),
        "targets' addresses in the additional section");
  }

  @Test
  void reverseLookupsNameServicesAndEndpoints() throws IOException {
    assertEquals(Name.fromConstantString("web.team-a.svc." + ZONE), ptr("1.1.96.10.in-addr.arpa."));
    assertEquals(Name.fromConstantString("db-0.db.team-a.svc." + ZONE), ptr("10.1.244.10.in-addr.arpa."));
  }

  @Test
  void reverseLookupOutsideTheClusterFallsThroughToTheUpstream() throws IOException {
    assertEquals(UpstreamStub.FOREIGN_PTR_TARGET, ptr(UpstreamStub.FOREIGN_PTR.toString()));
    assertTrue(upstream.questionsFor(UpstreamStub.FOREIGN_PTR) > 0, "fallthrough in-addr.arpa went to forward");
  }

  @Test
  void podNamesAnswerTheirAddressWithPodsInsecure() throws IOException {
    assertEquals(Set.of("10.244.1.10"), addresses(dns.udp("10-244-1-10.team-a.pod." + ZONE, Type.A)));
    // "insecure" answers any well-formed pod name without looking the pod up (kube-dns compatible).
    assertEquals(Set.of("10.244.9.9"), addresses(dns.udp("10-244-9-9.team-a.pod." + ZONE, Type.A)));
  }

  @Test
  void externalNameServiceAnswersACnameResolvedThroughTheUpstream() throws IOException {
    Message answer = dns.udp("outside.team-a.svc." + ZONE, Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode(), answer.toString());
    List<Record> records = answer.getSection(Section.ANSWER);
    CNAMERecord cname = (CNAMERecord) records.get(0);
    assertEquals(UpstreamStub.ZONE, cname.getTarget());
    assertEquals(Set.of(UpstreamStub.ADDRESS.getHostAddress()), addresses(answer));
  }

  @Test
  void namesOutsideTheClusterAreForwardedUpstream() throws IOException {
    Name name = Name.fromConstantString("www.example.org.");
    Message answer = dns.udp(name.toString(), Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode(), answer.toString());
    assertEquals(Set.of(UpstreamStub.ADDRESS.getHostAddress()), addresses(answer));
    assertTrue(upstream.questionsFor(name) > 0);
  }

  @Test
  void missingServiceIsNxdomainWithTheZoneSoa() throws IOException {
    Message answer = dns.udp("missing.team-a.svc." + ZONE, Type.A);
    assertEquals(Rcode.NXDOMAIN, answer.getRcode(), answer.toString());
    SOARecord soa = (SOARecord) answer.getSection(Section.AUTHORITY).get(0);
    assertEquals(Name.fromConstantString(ZONE), soa.getName());
  }

  // ---- diagnostics: corvus explain / inspect against the running server ----

  @Test
  void explainWalksRewriteCacheKubernetesWithoutTouchingCacheOrMetrics() throws Exception {
    List<String> before = counters();
    CorvusProcess.Result explained = CorvusProcess.run(workDir, "explain", "-admin", admin(), "dns.corp.internal", "A");
    assertEquals(0, explained.status(), explained.output());
    String out = explained.output();
    assertStep(out, "rewrite", "changed the question");
    assertTrue(out.contains("passed on as kube-dns.kube-system.svc." + ZONE + " A"), out);
    assertStep(out, "cache", "passed on");
    assertStep(out, "kubernetes", "answered");
    assertTrue(out.contains(";; answered NOERROR by kubernetes"), out);
    assertTrue(out.contains("dns.corp.internal.\t30\tIN\tA\t10.96.0.10"), out);
    assertEquals(before, counters(), "an explanation changes no counter or cache gauge");
    CorvusProcess.Result cached = CorvusProcess.run(workDir, "inspect", "-admin", admin(), "cache", "name=dns.corp.internal");
    assertEquals(0, cached.status(), cached.output());
    assertTrue(cached.output().contains("\"entries\": []"), "nothing was cached:\n" + cached.output());
  }

  @Test
  void explainFollowsANameToTheUpstreamWithoutCountingIt() throws Exception {
    Name name = Name.fromConstantString("explained.example.org.");
    List<String> before = counters();
    CorvusProcess.Result explained = CorvusProcess.run(workDir, "explain", "-admin", admin(), name.toString());
    assertEquals(0, explained.status(), explained.output());
    String out = explained.output();
    assertStep(out, "kubernetes", "passed on");
    assertStep(out, "forward", "answered");
    assertTrue(out.contains(upstream.hostAndPort()), "the chosen upstream is named:\n" + out);
    assertTrue(out.contains(UpstreamStub.ADDRESS.getHostAddress()), out);
    assertEquals(1, upstream.questionsFor(name), "forward still asks the upstream");
    assertEquals(before, counters());
    CorvusProcess.Result upstreams = CorvusProcess.run(workDir, "inspect", "-admin", admin(), "upstreams");
    assertEquals(0, upstreams.status(), upstreams.output());
    assertTrue(upstreams.output().contains(upstream.hostAndPort()), upstreams.output());
    assertTrue(upstreams.output().contains("\"healthy\": true"), upstreams.output());
  }

  @Test
  void adminEndpointAnswersLoopbackAndShowsTheConfiguration() throws Exception {
    HttpResponse<String> config = get(adminPort, "/config");
    assertEquals(200, config.statusCode());
    assertTrue(config.body().contains("\"lastReloadError\": null"), config.body());
    CorvusProcess.Result topics = CorvusProcess.run(workDir, "inspect", "-admin", admin());
    assertEquals(0, topics.status(), topics.output());
    for (String topic : List.of("cache", "kubernetes", "upstreams")) {
      assertTrue(topics.output().contains("\"" + topic + "\""), topic + " missing:\n" + topics.output());
    }
  }

  private String admin() {
    return "127.0.0.1:" + adminPort;
  }

  private static void assertStep(String explanation, String directive, String outcome) {
    assertTrue(explanation.lines().anyMatch(l -> l.matches(" ?\\d+\\. " + directive + " +" + outcome + "\\b.*")),
        directive + " " + outcome + " expected in:\n" + explanation);
  }

  /** The counters and cache gauges an explanation must not move. */
  private List<String> counters() throws Exception {
    return get(metricsPort, "/metrics").body().lines()
        .filter(l -> l.startsWith("coredns_dns_requests_total") || l.startsWith("coredns_dns_responses_total")
            || l.startsWith("coredns_cache_") || l.startsWith("coredns_forward_") || l.startsWith("coredns_proxy_"))
        .toList();
  }

  // ---- the endpoints the manifests' probes and Prometheus use ----

  @Test
  void healthAnswersAsTheLivenessProbeExpects() throws Exception {
    HttpResponse<String> health = get(healthPort, "/health");
    assertEquals(200, health.statusCode());
    assertEquals("OK", health.body().strip());
  }

  @Test
  void readyAnswersAsTheReadinessProbeExpects() throws Exception {
    HttpResponse<String> ready = get(readyPort, "/ready");
    assertEquals(200, ready.statusCode());
    assertEquals("OK", ready.body().strip());
  }

  @Test
  void metricsUseCoreDnsNamesSoDashboardsWorkUnchanged() throws Exception {
    dns.udp("web.team-a.svc." + ZONE, Type.A);
    dns.udp("www.example.org.", Type.A);
    HttpResponse<String> metrics = get(metricsPort, "/metrics");
    assertEquals(200, metrics.statusCode());
    String contentType = metrics.headers().firstValue("Content-Type").orElse("");
    assertTrue(contentType.startsWith("text/plain"), "Prometheus text format: " + contentType);
    String server = "server=\"dns://:" + dnsPort + "\"";
    for (String series : List.of(
        "coredns_build_info{",
        "coredns_dns_requests_total{",
        "coredns_dns_responses_total{",
        "coredns_dns_request_duration_seconds_bucket{",
        "coredns_cache_entries{",
        "coredns_forward_requests_total{",
        "coredns_plugin_enabled{")) {
      assertTrue(metrics.body().contains(series), series + " missing:\n" + metrics.body());
    }
    assertTrue(metrics.body().lines().anyMatch(l -> l.startsWith("coredns_dns_requests_total{") && l.contains(server)),
        "requests labelled " + server);
  }

  @Test
  void nettyEpollLoadsFromTheImagesLibraryDirectoryWithoutATempDirectory() throws IOException {
    assertTrue(corvus.usesPreloadedEpollLibrary(),
        "epoll mapped from the preloaded directory; JAVA_OPTS " + corvus.javaOptions());
  }

  // ---- the other Corefile the distribution ships ----

  @Test
  void nodeLocalCorefilePassesCheck() throws Exception {
    Path corefile = Files.writeString(workDir.resolve("Corefile.node-local"),
        shippedCorefile("kubernetes/node-local-dns/configmap.yaml"));
    ProcessBuilder check = new ProcessBuilder(
        CorvusProcess.home().resolve("bin/corvus").toString(), "check", "-conf", corefile.toString())
        .directory(workDir.toFile()).redirectErrorStream(true);
    // Kubernetes sets this from the kube-dns-upstream Service; the Corefile reads it with {$...}.
    check.environment().put("KUBE_DNS_UPSTREAM_SERVICE_HOST", "10.96.0.11");
    Process process = check.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
  }

  // ---- helpers ----

  static String configMapCorefile() throws IOException {
    return shippedCorefile("kubernetes/cluster-dns/configmap.yaml");
  }

  /** The Corefile of a ConfigMap as the assembly ships it. */
  private static String shippedCorefile(String manifest) throws IOException {
    try (InputStream in = Files.newInputStream(CorvusProcess.home().resolve(manifest))) {
      ConfigMap configMap = Serialization.unmarshal(in, ConfigMap.class);
      return configMap.getData().get("Corefile");
    }
  }

  /** The memory limit of the shipped Deployment, as a -XX:MaxRAM the JVM can size its heap from. */
  static String deploymentMemoryLimit() throws IOException {
    try (InputStream in = Files.newInputStream(
        CorvusProcess.home().resolve("kubernetes/cluster-dns/deployment.yaml"))) {
      Deployment deployment = Serialization.unmarshal(in, Deployment.class);
      var limit = deployment.getSpec().getTemplate().getSpec().getContainers().get(0)
          .getResources().getLimits().get("memory");
      return "-XX:MaxRAM=" + limit.getNumericalAmount().toBigInteger();
    }
  }

  static String replaceOnce(String text, String target, String replacement) {
    int at = text.indexOf(target);
    if (at < 0 || text.indexOf(target, at + 1) >= 0) {
      throw new IllegalStateException("expected exactly one '" + target + "' in\n" + text);
    }
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }

  private Duration awaitReady(long startedNanos) throws Exception {
    long deadline = startedNanos + START_DEADLINE.toNanos();
    URI ready = URI.create("http://127.0.0.1:" + readyPort + "/ready");
    while (System.nanoTime() < deadline) {
      if (!corvus.process().isAlive()) {
        throw new AssertionError("corvus exited with " + corvus.process().exitValue() + ":\n" + corvus.output());
      }
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
      } catch (IOException notListeningYet) {
        // the listener is not bound yet
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25)); // poll interval
    }
    throw new AssertionError("not ready within " + START_DEADLINE + ":\n" + corvus.output());
  }

  private void awaitDnsAnswers() throws IOException {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (true) {
      try {
        dns.tcp("kubernetes.default.svc." + ZONE, Type.A);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IOException("DNS never answered:\n" + corvus.output(), notYet);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25)); // poll interval
      }
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Name ptr(String name) throws IOException {
    Message answer = dns.udp(name, Type.PTR);
    assertEquals(Rcode.NOERROR, answer.getRcode(), answer.toString());
    return ((PTRRecord) answer.getSection(Section.ANSWER).get(0)).getTarget();
  }

  private static Set<String> addresses(Message message) {
    return message.getSection(Section.ANSWER).stream().filter(ARecord.class::isInstance)
        .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toSet());
  }

  private static Set<String> additionalAddresses(Message message) {
    return message.getSection(Section.ADDITIONAL).stream().filter(ARecord.class::isInstance)
        .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toSet());
  }
}
