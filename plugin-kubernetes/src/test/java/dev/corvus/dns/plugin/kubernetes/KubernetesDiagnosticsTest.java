package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.MetricsText;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Diagnostics of the kubernetes plugin through a real server reading fabric8's mock API server
 * (CRUD mode): explanations that name the object behind each answer and change no metric, the
 * {@code kubernetes} and {@code search-paths} inspectors, and search-path expansions counted from
 * real queries.
 */
class KubernetesDiagnosticsTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private static MockApiServer api;
  private static Corvus server;
  private static Corvus fallthroughServer;

  @BeforeAll
  static void start() throws Exception {
    api = new MockApiServer();
    Fixtures.populate(api.client());
    // The test's own sockets come from 127.0.0.1: a pod with that address puts them in "default".
    api.client().pods().resource(new PodBuilder()
        .withNewMetadata().withNamespace("default").withName("client").endMetadata()
        .withNewStatus().withPodIP("127.0.0.1").addNewPodIP("127.0.0.1").endStatus()
        .build()).create();
    server = Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local in-addr.arpa {\n    endpoint " + api.url()
            + "\n    pods verified\n  }\n}\n")
        .dnsPort(0)
        .start();
    fallthroughServer = Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local {\n    endpoint " + api.url()
            + "\n    pods insecure\n    fallthrough\n  }\n  handed_on\n}\n")
        .plugin(new HandedOnFactory())
        .dnsPort(0)
        .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (fallthroughServer != null) {
      fallthroughServer.close();
    }
    api.close();
  }

  private static List<String> notes(Corvus on, String name, int type) throws Exception {
    Explanation explanation = on.explain(name, type, CLIENT);
    return explanation.steps().stream()
        .filter(step -> step.directive().equals("kubernetes"))
        .flatMap(step -> step.notes().stream())
        .toList();
  }

  private static void assertNote(List<String> notes, String expected) {
    assertTrue(notes.contains(expected), () -> "expected note \"" + expected + "\" in " + notes);
  }

  @Test
  void explanationsNameTheObjectBehindEachAnswer() throws Exception {
    assertNote(notes(server, "kubernetes.default.svc.cluster.local.", Type.A),
        "service default/kubernetes (ClusterIP 10.96.0.1) -> A 10.96.0.1");
    List<String> headless = notes(server, "db.team-a.svc.cluster.local.", Type.A);
    String prefix = "headless service team-a/db: 4 ready endpoints from EndpointSlices db-1, db-2, db-3 -> ";
    assertTrue(headless.stream().anyMatch(n -> n.startsWith(prefix)
        && List.of(n.substring(prefix.length()).split(", ")).stream().sorted().toList()
            .equals(List.of("A 10.244.1.10", "A 10.244.1.11", "A 10.244.2.20"))), headless::toString);
    assertNote(notes(server, "db-0.db.team-a.svc.cluster.local.", Type.A),
        "endpoint db-0 of service team-a/db (EndpointSlice db-1) -> A 10.244.1.10");
    assertNote(notes(server, "web.team-a.svc.cluster.local.", Type.AAAA),
        "service team-a/web (ClusterIP 10.96.1.1): NODATA");
    assertNote(notes(server, "nope.team-a.svc.cluster.local.", Type.A),
        "no service nope in namespace team-a: NXDOMAIN");
    assertNote(notes(server, "web.team-x.svc.cluster.local.", Type.A),
        "namespace team-x does not exist: NXDOMAIN");
    assertNote(notes(server, "10-244-1-10.team-a.pod.cluster.local.", Type.A),
        "pod name 10-244-1-10.team-a.pod (pods verified: pod team-a/db-0) -> A 10.244.1.10");
    assertNote(notes(server, "1.0.96.10.in-addr.arpa.", Type.PTR),
        "reverse of 10.96.0.1: cluster IP of service default/kubernetes -> PTR kubernetes.default.svc.cluster.local.");
    assertNote(notes(fallthroughServer, "10-0-0-5.team-a.pod.cluster.local.", Type.A),
        "pod name 10-0-0-5.team-a.pod (pods insecure) -> A 10.0.0.5");
  }

  @Test
  void reverseExplanationsKeepToTheConfiguredNamespaces() throws Exception {
    try (Corvus restricted = Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local in-addr.arpa {\n    endpoint " + api.url()
            + "\n    namespaces team-a\n  }\n}\n")
        .dnsPort(0)
        .start()) {
      assertTrue(dev.corvus.dns.testkit.Poll.until(Duration.ofSeconds(10), restricted::isReady), "synced");
      List<String> notes = notes(restricted, "1.0.96.10.in-addr.arpa.", Type.PTR);
      assertNote(notes, "no service or endpoint has address 10.96.0.1: NXDOMAIN");
      assertTrue(notes.stream().noneMatch(n -> n.contains("default/kubernetes")), notes::toString);
    }
  }

  @Test
  void fallthroughAndSearchPathExpansionsAreExplained() throws Exception {
    List<String> passedOn = notes(fallthroughServer, "nope.team-a.svc.cluster.local.", Type.A);
    assertEquals(
        List.of("no service nope in namespace team-a: not found here", "fallthrough: passed on"), passedOn);

    assertNote(notes(server, "api.example.com.team-a.svc.cluster.local.", Type.A),
        "search-path expansion of api.example.com (namespace team-a): the pod's ndots:5 sent this"
            + " before the real name; use autopath or a trailing dot");
    // Without the namespace in the name, the client's pod tells it.
    assertNote(notes(server, "api.example.com.cluster.local.", Type.A),
        "search-path expansion of api.example.com (namespace default): the pod's ndots:5 sent this"
            + " before the real name; use autopath or a trailing dot");
  }

  @Test
  void explainingChangesNoMetric() throws Exception {
    Dns dns = new Dns(server);
    // Make sure every series exists before comparing.
    dns.query("api.example.org.team-a.svc.cluster.local.", Type.A);
    String before = countersAndHistograms(server);
    for (String name : List.of("kubernetes.default.svc.cluster.local.", "nope.team-a.svc.cluster.local.",
        "api.example.org.team-a.svc.cluster.local.", "api.example.org.svc.cluster.local.",
        "outside.team-a.svc.cluster.local.")) {
      assertFalse(notes(server, name, Type.A).isEmpty(), name);
    }
    assertEquals(before, countersAndHistograms(server));
  }

  /**
   * Every counter and histogram sample of the server; gauges such as data ages move with time, and
   * so do the JVM's own counters.
   */
  private static String countersAndHistograms(Corvus on) {
    MetricsText metrics = MetricsText.parse(on.scrapeMetrics());
    return on.scrapeMetrics().lines()
        .filter(line -> !line.startsWith("#") && !line.startsWith("jvm_") && !line.startsWith("process_"))
        .filter(line -> {
          String name = line.split("[{ ]", 2)[0];
          String family = name.replaceAll("_(bucket|sum|count)$", "");
          String type = metrics.type(family);
          return "counter".equals(type) || "histogram".equals(type);
        })
        .sorted()
        .collect(Collectors.joining("\n"));
  }

  @Test
  void searchPathExpansionsAreCountedPerNamespaceAndNormalNamesAreNot() throws Exception {
    Dns dns = new Dns(server);
    for (int i = 0; i < 3; i++) {
      assertRcode(Rcode.NXDOMAIN, dns.query("api.partner.io.team-a.svc.cluster.local.", Type.A));
    }
    assertRcode(Rcode.NXDOMAIN, dns.query("api.partner.io.svc.cluster.local.", Type.A));
    assertRcode(Rcode.NXDOMAIN, dns.query("api.partner.io.cluster.local.", Type.AAAA));
    // Names of the specification, found or not, are not expansions.
    assertRcode(Rcode.NOERROR, dns.query("web.team-a.svc.cluster.local.", Type.A));
    assertRcode(Rcode.NXDOMAIN, dns.query("missing.team-a.svc.cluster.local.", Type.A));
    assertRcode(Rcode.NOERROR, dns.query("db-0.db.team-a.svc.cluster.local.", Type.A));
    assertRcode(Rcode.NXDOMAIN, dns.query("db-9.db.team-a.svc.cluster.local.", Type.A));
    assertRcode(Rcode.NOERROR, dns.query("_http._tcp.web.team-a.svc.cluster.local.", Type.SRV));
    assertRcode(Rcode.NXDOMAIN, dns.query("_gopher._tcp.web.team-a.svc.cluster.local.", Type.SRV));
    assertRcode(Rcode.NOERROR, dns.query("10-244-1-10.team-a.pod.cluster.local.", Type.A));
    assertRcode(Rcode.NXDOMAIN, dns.query("10-9-9-9.team-a.pod.cluster.local.", Type.A));

    MetricsText metrics = MetricsText.parse(server.scrapeMetrics());
    assertEquals(3, metrics.sum("corvus_dns_search_path_queries_total", Map.of("namespace", "team-a")));
    assertEquals(2, metrics.sum("corvus_dns_search_path_queries_total", Map.of("namespace", "default")));

    Map<?, ?> state = (Map<?, ?>) inspector(server, "search-paths").inspect(Map.of());
    List<?> top = (List<?>) state.get("top");
    List<Object> partner = top.stream()
        .map(entry -> (Object) entry)
        .filter(entry -> ((Map<?, ?>) entry).get("name").equals("api.partner.io"))
        .toList();
    assertEquals(List.of(
        Map.of("namespace", "team-a", "name", "api.partner.io", "count", 3L),
        Map.of("namespace", "default", "name", "api.partner.io", "count", 2L)), partner);
    for (Object entry : top) {
      String name = (String) ((Map<?, ?>) entry).get("name");
      assertTrue(name.contains("."), () -> "a single-label name was counted: " + top);
      assertFalse(name.startsWith("_") || name.startsWith("db-"), () -> "a specification name was counted: " + top);
    }
    Map<?, ?> limited = (Map<?, ?>) inspector(server, "search-paths").inspect(Map.of("limit", "1"));
    assertEquals(1, ((List<?>) limited.get("top")).size());
  }

  @Test
  void kubernetesInspectorShowsSourceSyncResourcesAndIndexes() {
    Map<?, ?> state = (Map<?, ?>) inspector(server, "kubernetes").inspect(Map.of());
    assertEquals(List.of("cluster.local.", "in-addr.arpa."), state.get("zones"));
    assertEquals("api server " + api.url() + "/ (endpoint)", state.get("source"));
    assertEquals(true, state.get("synced"));
    List<?> resources = (List<?>) state.get("resources");
    Map<String, Map<?, ?>> byName = resources.stream()
        .map(r -> (Map<?, ?>) r)
        .collect(Collectors.toMap(r -> (String) r.get("resource"), r -> r));
    assertEquals(List.of("endpointslices", "namespaces", "pods", "services"), byName.keySet().stream().sorted().toList());
    Map<?, ?> services = byName.get("services");
    assertEquals(8, services.get("objects"));
    assertEquals(true, services.get("connected"));
    assertNotNull(services.get("lastListed"));
    assertTrue(((Number) services.get("lastEventAgeSeconds")).doubleValue() >= 0);
    Map<?, ?> indexes = (Map<?, ?>) state.get("indexes");
    assertEquals(8, indexes.get("services"));
    assertEquals(5, indexes.get("endpointSlices"));
    assertEquals(3, indexes.get("namespaces"));
  }

  private static Inspector inspector(Corvus on, String topic) {
    return on.control().inspectors().stream()
        .filter(i -> i.topic().equals(topic))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no inspector " + topic));
  }
}
