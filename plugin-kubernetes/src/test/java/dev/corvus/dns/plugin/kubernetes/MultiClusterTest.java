package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static dev.corvus.dns.plugin.kubernetes.Dns.rdata;
import static dev.corvus.dns.plugin.kubernetes.Dns.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code multicluster}: ServiceImports and exported EndpointSlices in fabric8's mock API server
 * (CRUD mode, real watches) answered under {@code clusterset.local} over real UDP and TCP, as
 * CoreDNS's {@code TestMultiClusterServeDNS} answers them.
 */
class MultiClusterTest {

  private static final long WITHIN_MILLIS = 1000;
  private static final String ZONE = "svc.clusterset.local.";

  private static Corvus start(MockApiServer api) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local clusterset.local {\n    endpoint " + api.url()
            + "\n    multicluster clusterset.local\n  }\n}\n")
        .dnsPort(0)
        .start();
  }

  static GenericKubernetesResource serviceImport(
      String namespace, String name, String type, List<String> ips, Map<String, Object> port) {
    Map<String, Object> spec = new HashMap<>();
    spec.put("type", type);
    if (ips != null) {
      spec.put("ips", ips);
    }
    spec.put("ports", port == null ? List.of() : List.of(port));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("multicluster.x-k8s.io/v1alpha1")
        .withKind("ServiceImport")
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  static Map<String, Object> port(String name, String protocol, int number) {
    return Map.of("name", name, "protocol", protocol, "port", number);
  }

  /** An EndpointSlice exported to the cluster set from {@code cluster} for the import {@code service}. */
  static EndpointSlice exported(
      String namespace, String service, String cluster, String sliceName, String family,
      List<Fixtures.Port> ports, Fixtures.Ep... endpoints) {
    EndpointSlice slice = Fixtures.slice(namespace, service, sliceName, family, ports, endpoints);
    slice.getMetadata().setLabels(Map.of(
        Projection.MCS_SERVICE_NAME_LABEL, service,
        Projection.MCS_SOURCE_CLUSTER_LABEL, cluster));
    return slice;
  }

  private static void create(KubernetesClient client, GenericKubernetesResource serviceImport) {
    client.genericKubernetesResources(InformerSource.SERVICE_IMPORTS).resource(serviceImport).create();
  }

  /** CoreDNS's multicluster fixtures (handler_test.go), in the namespace {@code testns}. */
  private static void populate(KubernetesClient client) {
    Fixtures.namespace(client, "testns", Map.of());
    create(client, serviceImport("testns", "svc1", "ClusterSetIP", List.of("10.0.0.1"), port("http", "TCP", 80)));
    create(client, serviceImport("testns", "svc6", "ClusterSetIP", List.of("10.0.0.3", "1234:abcd::1"),
        port("http", "TCP", 80)));
    create(client, serviceImport("testns", "hdls1", "Headless", null, port("http", "TCP", 80)));
    create(client, serviceImport("testns", "hdlsprtls", "Headless", null, null));
    List<Fixtures.Port> http = List.of(Fixtures.port("http", "TCP", 80));
    Fixtures.create(client, exported("testns", "svc1", "cluster1", "svc1-slice1", "IPv4", http,
        Fixtures.ep("172.0.0.1", "ep1a", null, true)));
    Fixtures.create(client, exported("testns", "hdls1", "cluster1", "hdls1-slice1", "IPv4", http,
        Fixtures.ep("172.0.0.2", null, null, true),
        Fixtures.ep("172.0.0.3", null, null, true),
        Fixtures.ep("172.0.0.4", "dup-name", null, true),
        Fixtures.ep("172.0.0.5", "dup-name", null, true)));
    Fixtures.create(client, exported("testns", "hdls1", "cluster1", "hdls1-slice2", "IPv6", http,
        Fixtures.ep("5678:abcd::1", null, null, true),
        Fixtures.ep("5678:abcd::2", null, null, true)));
    Fixtures.create(client, exported("testns", "hdlsprtls", "cluster1", "hdlsprtls-slice1", "IPv4", List.of(),
        Fixtures.ep("172.0.0.20", null, null, true)));
    // The cluster's own Service of the same name, answered under cluster.local only.
    Fixtures.create(client, Fixtures.clusterIp("testns", "svc1", List.of("10.96.0.10"), Map.of(),
        Fixtures.port("http", "TCP", 80)));
  }

  @Test
  void clusterSetIpAndHeadlessImportsAnswerAsCoreDns() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      populate(api.client());
      try (Corvus server = start(api)) {
        DnsClient client = new DnsClient(server.udpAddress(), java.time.Duration.ofSeconds(5));
        for (boolean tcp : new boolean[] {false, true}) {
          Query q = (name, type) -> tcp ? client.tcp(name, type) : client.udp(name, type);

          assertEquals(List.of("10.0.0.1"), rdata(q.ask("svc1.testns." + ZONE, Type.A)));
          assertEquals(List.of("10.96.0.10"), rdata(q.ask("svc1.testns.svc.cluster.local.", Type.A)));
          assertEquals(List.of("10.0.0.3"), rdata(q.ask("svc6.testns." + ZONE, Type.A)));
          assertEquals(List.of("1234:abcd:0:0:0:0:0:1"), rdata(q.ask("svc6.testns." + ZONE, Type.AAAA)));
          assertEquals(
              List.of("0 100 80 svc1.testns.svc.clusterset.local."),
              rdata(q.ask("_http._tcp.svc1.testns." + ZONE, Type.SRV)));
          assertRcode(Rcode.NXDOMAIN, q.ask("_https._tcp.svc1.testns." + ZONE, Type.SRV));
          // An endpoint of a ClusterSetIP import by name, under its cluster.
          assertEquals(List.of("172.0.0.1"), rdata(q.ask("ep1a.cluster1.svc1.testns." + ZONE, Type.A)));

          assertEquals(
              sorted(List.of("172.0.0.2", "172.0.0.3", "172.0.0.4", "172.0.0.5")),
              sorted(rdata(q.ask("hdls1.testns." + ZONE, Type.A))));
          Message srv = q.ask("_http._tcp.hdls1.testns." + ZONE, Type.SRV);
          assertEquals(
              sorted(List.of(
                  "0 16 80 172-0-0-2.cluster1.hdls1.testns.svc.clusterset.local.",
                  "0 16 80 172-0-0-3.cluster1.hdls1.testns.svc.clusterset.local.",
                  "0 16 80 5678-abcd--1.cluster1.hdls1.testns.svc.clusterset.local.",
                  "0 16 80 5678-abcd--2.cluster1.hdls1.testns.svc.clusterset.local.",
                  "0 16 80 dup-name.cluster1.hdls1.testns.svc.clusterset.local.")),
              sorted(rdata(srv)));
          List<String> extra = sorted(List.of(
              "172-0-0-2.cluster1.hdls1.testns.svc.clusterset.local. 5 A 172.0.0.2",
              "172-0-0-3.cluster1.hdls1.testns.svc.clusterset.local. 5 A 172.0.0.3",
              "5678-abcd--1.cluster1.hdls1.testns.svc.clusterset.local. 5 AAAA 5678:abcd:0:0:0:0:0:1",
              "5678-abcd--2.cluster1.hdls1.testns.svc.clusterset.local. 5 AAAA 5678:abcd:0:0:0:0:0:2",
              "dup-name.cluster1.hdls1.testns.svc.clusterset.local. 5 A 172.0.0.4",
              "dup-name.cluster1.hdls1.testns.svc.clusterset.local. 5 A 172.0.0.5"));
          if (tcp) {
            assertEquals(extra, sorted(section(srv, Section.ADDITIONAL)));
          } else {
            // Over UDP without EDNS the additional section is cut to fit 512 bytes.
            assertTrue(extra.containsAll(section(srv, Section.ADDITIONAL)), () -> section(srv, Section.ADDITIONAL).toString());
          }
          assertEquals(List.of("5678:abcd:0:0:0:0:0:2"),
              rdata(q.ask("5678-abcd--2.cluster1.hdls1.testns." + ZONE, Type.AAAA)));
          assertEquals(List.of("172.0.0.2"), rdata(q.ask("172-0-0-2.cluster1.hdls1.testns." + ZONE, Type.A)));
          assertEquals(sorted(List.of("172.0.0.4", "172.0.0.5")),
              sorted(rdata(q.ask("dup-name.cluster1.hdls1.testns." + ZONE, Type.A))));
          assertEquals(List.of("172.0.0.20"),
              rdata(q.ask("172-0-0-20.cluster1.hdlsprtls.testns." + ZONE, Type.A)));
          // Without the cluster label (or with another cluster's) the endpoint does not exist.
          Message noCluster = q.ask("5678-abcd--1.hdls1.testns." + ZONE, Type.AAAA);
          assertRcode(Rcode.NXDOMAIN, noCluster);
          assertEquals("clusterset.local.", noCluster.getSection(Section.AUTHORITY).get(0).getName().toString());
          assertRcode(Rcode.NXDOMAIN, q.ask("172-0-0-2.cluster2.hdls1.testns." + ZONE, Type.A));
          // Names that are not imports: NXDOMAIN; the exported slices stay out of cluster.local.
          assertRcode(Rcode.NXDOMAIN, q.ask("nope.testns." + ZONE, Type.A));
          assertRcode(Rcode.NXDOMAIN, q.ask("hdls1.testns.svc.cluster.local.", Type.A));
          assertRcode(Rcode.NOERROR, q.ask("svc1.testns." + ZONE, Type.TXT));
          assertTrue(rdata(q.ask("svc1.testns." + ZONE, Type.TXT)).isEmpty());
        }
        Map<?, ?> state = (Map<?, ?>) server.control().inspectors().stream()
            .filter(i -> i.topic().equals("kubernetes")).findFirst().orElseThrow().inspect(Map.of());
        Map<Object, Object> objects = new HashMap<>();
        for (Object resource : (List<?>) state.get("resources")) {
          objects.put(((Map<?, ?>) resource).get("resource"), ((Map<?, ?>) resource).get("objects"));
        }
        assertEquals(4, objects.get("serviceimports"), state::toString);
        assertEquals(4, objects.get("multiclusterendpointslices"), state::toString);
        assertEquals(4, ((Map<?, ?>) state.get("indexes")).get("serviceImports"));
        List<String> found = notes(server, "svc1.testns." + ZONE, Type.A);
        assertTrue(found.contains("ServiceImport testns/svc1 (ClusterSetIP 10.0.0.1) -> A 10.0.0.1"), found::toString);
        List<String> missing = notes(server, "nope.testns." + ZONE, Type.A);
        assertTrue(missing.contains(
            "no ServiceImport nope in namespace testns (one without a ClusterSet IP is skipped): NXDOMAIN"),
            missing::toString);
      }
    }
  }

  @Test
  void changesAreAnsweredWithinOneSecondAndAnImportWithoutIpsIsSkipped() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      populate(api.client());
      KubernetesClient k8s = api.client();
      // Bad input: a ClusterSetIP import without IPs, present before the server starts.
      create(k8s, serviceImport("testns", "noips", "ClusterSetIP", null, port("http", "TCP", 80)));
      create(k8s, serviceImport("testns", "badips", "ClusterSetIP", List.of("not-an-ip"), port("http", "TCP", 80)));
      try (Corvus server = start(api)) {
        Dns dns = new Dns(server);
        assertRcode(Rcode.NXDOMAIN, dns.query("noips.testns." + ZONE, Type.A));
        assertRcode(Rcode.NXDOMAIN, dns.query("badips.testns." + ZONE, Type.A));
        assertEquals(List.of("10.0.0.1"), rdata(dns.query("svc1.testns." + ZONE, Type.A)));
        assertEquals(4, rdata(dns.query("hdls1.testns." + ZONE, Type.A)).size());
        long serialBefore = soaSerial(dns.query("nope.testns." + ZONE, Type.A));

        // The bad import gets its IP: it is answered.
        k8s.genericKubernetesResources(InformerSource.SERVICE_IMPORTS)
            .resource(serviceImport("testns", "noips", "ClusterSetIP", List.of("10.0.0.9"), port("http", "TCP", 80)))
            .update();
        dns.awaitAnswer("noips.testns." + ZONE, Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.0.0.9")));

        // A new import, an address change, a new cluster's slice, a deleted slice.
        create(k8s, serviceImport("testns", "fresh", "ClusterSetIP", List.of("10.0.0.7"), port("dns", "UDP", 53)));
        dns.awaitAnswer("_dns._udp.fresh.testns." + ZONE, Type.SRV, WITHIN_MILLIS,
            m -> rdata(m).equals(List.of("0 100 53 fresh.testns.svc.clusterset.local.")));
        k8s.genericKubernetesResources(InformerSource.SERVICE_IMPORTS)
            .resource(serviceImport("testns", "svc1", "ClusterSetIP", List.of("10.0.0.2"), port("http", "TCP", 80)))
            .update();
        dns.awaitAnswer("svc1.testns." + ZONE, Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.0.0.2")));
        Fixtures.create(k8s, exported("testns", "hdls1", "cluster2", "hdls1-c2", "IPv4",
            List.of(Fixtures.port("http", "TCP", 80)), Fixtures.ep("172.1.0.2", null, null, true)));
        dns.awaitAnswer("172-1-0-2.cluster2.hdls1.testns." + ZONE, Type.A, WITHIN_MILLIS,
            m -> rdata(m).equals(List.of("172.1.0.2")));
        assertEquals(5, rdata(dns.query("hdls1.testns." + ZONE, Type.A)).size());
        k8s.discovery().v1().endpointSlices().inNamespace("testns").withName("hdls1-slice1").delete();
        dns.awaitAnswer("hdls1.testns." + ZONE, Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("172.1.0.2")));
        assertTrue(soaSerial(dns.query("nope.testns." + ZONE, Type.A)) >= serialBefore);

        // A deleted import is gone; the bad one deleted while skipped leaves nothing behind.
        k8s.genericKubernetesResources(InformerSource.SERVICE_IMPORTS).inNamespace("testns").withName("fresh").delete();
        dns.awaitAnswer("fresh.testns." + ZONE, Type.A, WITHIN_MILLIS, m -> m.getRcode() == Rcode.NXDOMAIN);
        k8s.genericKubernetesResources(InformerSource.SERVICE_IMPORTS).inNamespace("testns").withName("badips").delete();
        assertEquals(List.of("10.96.0.10"), rdata(dns.query("svc1.testns.svc.cluster.local.", Type.A)));
      }
    }
  }

  @Test
  void theOfflineSourceReadsServiceImportsAndExportedSlices(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("mcs.yaml"), """
        apiVersion: multicluster.x-k8s.io/v1alpha1
        kind: ServiceImport
        metadata: {name: web, namespace: shop}
        spec:
          type: ClusterSetIP
          ips: [10.0.0.5]
          ports: [{name: http, protocol: TCP, port: 80}]
        ---
        apiVersion: multicluster.x-k8s.io/v1alpha1
        kind: ServiceImport
        metadata: {name: broken, namespace: shop}
        spec: {type: ClusterSetIP, ports: [{name: http, protocol: TCP, port: 80}]}
        ---
        apiVersion: multicluster.x-k8s.io/v1alpha1
        kind: ServiceImport
        metadata: {name: db, namespace: shop}
        spec: {type: Headless}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-east
          namespace: shop
          labels: {multicluster.kubernetes.io/service-name: db, multicluster.kubernetes.io/source-cluster: east}
        addressType: IPv4
        ports: [{name: pg, protocol: TCP, port: 5432}]
        endpoints:
        - addresses: [10.1.0.7]
          hostname: db-0
        """);
    try (Corvus server = Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local clusterset.local {\n    offline " + dir
            + "\n    multicluster clusterset.local\n  }\n}\n")
        .dnsPort(0)
        .start()) {
      Dns dns = new Dns(server);
      assertEquals(List.of("10.0.0.5"), rdata(dns.query("web.shop." + ZONE, Type.A)));
      assertEquals(List.of("0 100 5432 db-0.east.db.shop.svc.clusterset.local."),
          rdata(dns.query("_pg._tcp.db.shop." + ZONE, Type.SRV)));
      assertEquals(List.of("10.1.0.7"), rdata(dns.query("db-0.east.db.shop." + ZONE, Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("broken.shop." + ZONE, Type.A));
      assertRcode(Rcode.NXDOMAIN, dns.query("web.shop.svc.cluster.local.", Type.A));
    }
  }

  @Test
  void anImportWithoutIpsIsReportedOnceUntilItChanges() {
    MultiClusterIndex index = new MultiClusterIndex(Clock.systemUTC(), Set.of());
    index.putImport(new MultiClusterIndex.ImportView("ns", "ok", false,
        List.of(java.net.InetAddress.getLoopbackAddress()), List.of()));
    assertTrue(index.skipImport("ns", "bad"), "first sight is reported");
    assertFalse(index.skipImport("ns", "bad"), "an update still without IPs is not reported again");
    assertEquals(1, index.importCount());
    index.removeImport("ns", "bad");
    assertTrue(index.skipImport("ns", "bad"), "recreated bad again: reported again");
    assertEquals(null, Projection.serviceImport(serviceImport("ns", "bad", "ClusterSetIP", List.of(), null)));
    assertEquals(null, Projection.serviceImport(serviceImport("ns", "bad", "ClusterSetIP", List.of("x"), null)));
    assertTrue(Projection.serviceImport(serviceImport("ns", "h", "Headless", null, null)).headless());
  }

  private static List<String> notes(Corvus on, String name, int type) throws Exception {
    return on.explain(name, type, new java.net.InetSocketAddress("127.0.0.1", 40000)).steps().stream()
        .filter(step -> step.directive().equals("kubernetes"))
        .flatMap(step -> step.notes().stream())
        .toList();
  }

  private interface Query {
    Message ask(String name, int type) throws java.io.IOException;
  }

  private static long soaSerial(Message message) {
    return ((SOARecord) message.getSection(Section.AUTHORITY).get(0)).getSerial();
  }

  private static List<String> sorted(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    copy.sort(null);
    return copy;
  }
}
