package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.CLIENT_NAMESPACE;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.CLIENT_POD_NAME;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.ENDPOINT;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.KIND;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.NAMESPACE;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.PARSE_ERROR;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.PORT_NAME;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.PROTOCOL;
import static dev.corvus.dns.plugin.kubernetes.KubernetesMetadata.SERVICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.Queries;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The labels the plugin publishes for the {@code metadata} directive, read by a handler of the
 * same server block over real sockets, as CoreDNS's {@code plugin/kubernetes/metadata.go}
 * publishes them.
 */
class KubernetesMetadataTest {

  private static final List<String> LABELS =
      List.of(CLIENT_NAMESPACE, CLIENT_POD_NAME, KIND, NAMESPACE, SERVICE, ENDPOINT, PORT_NAME, PROTOCOL, PARSE_ERROR);

  private static MockApiServer api;
  private static Corvus verified;

  @BeforeAll
  static void startApi() throws Exception {
    api = new MockApiServer();
    Fixtures.populate(api.client());
    // The test's queries come from 127.0.0.1: the pod with that address is the client.
    api.client().pods().resource(new PodBuilder()
        .withNewMetadata().withNamespace("team-a").withName("client-7f9c").endMetadata()
        .withNewStatus().withPodIP("127.0.0.1").addNewPodIP("127.0.0.1").endStatus()
        .build()).create();
    verified = serve("    pods verified\n", true);
  }

  @AfterAll
  static void stopApi() {
    if (verified != null) {
      verified.close();
    }
    api.close();
  }

  private static Corvus serve(String options, boolean metadata) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n" + (metadata ? "  metadata\n" : "") + "  kubernetes cluster.local in-addr.arpa {\n"
            + "    endpoint " + api.url() + "\n" + options + "  }\n  metadata_echo\n}\n")
        .plugin(new MetadataEchoFactory(LABELS))
        .dnsPort(0)
        .start();
  }

  /** Every label the echo read for {@code name}: its value, or {@code null} without one. */
  private static Map<String, String> labels(Corvus server, String name) {
    Message answer = new Dns(server).query(name, Type.TXT);
    Map<String, String> labels = new LinkedHashMap<>();
    for (Record record : answer.getSection(Section.ANSWER)) {
      String text = ((TXTRecord) record).getStrings().get(0);
      int equals = text.indexOf('=');
      labels.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? null : text.substring(equals + 1));
    }
    assertEquals(LABELS, List.copyOf(labels.keySet()), answer::toString);
    return labels;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // name                                   | kind | namespace | service | endpoint | port | protocol | parse error
        "web.team-a.svc.cluster.local.             | svc  | team-a    | web     | ''       | ''   | ''       | -",
        "_https._TCP.web.team-a.svc.cluster.local. | svc  | team-a    | web     | ''       | https| tcp      | -",
        "db-0.db.team-a.svc.cluster.local.         | svc  | team-a    | db      | db-0     | ''   | ''       | -",
        "10-244-1-10.team-a.pod.cluster.local.     | pod  | team-a    | 10-244-1-10 | ''   | ''   | ''       | -",
        "team-a.svc.cluster.local.                 | svc  | team-a    | ''      | ''       | ''   | ''       | -",
        "svc.cluster.local.                        | ''   | ''        | ''      | ''       | ''   | ''       | -",
        "cluster.local.                            | ''   | ''        | ''      | ''       | ''   | ''       | -",
        "a.b.c.web.team-a.svc.cluster.local.       | -    | -         | -       | -        | -    | -        | invalid query name",
        "www.example.org.cluster.local.            | -    | -         | -       | -        | -    | -        | invalid query name",
        "1.1.96.10.in-addr.arpa.                   | -    | -         | -       | -        | -    | -        | invalid query name",
        "www.example.org.                          | -    | -         | -       | -        | -    | -        | -",
      })
  void theQueryNameIsTakenApartAsCoreDnsDoes(String name, String kind, String namespace, String service,
      String endpoint, String port, String protocol, String parseError) throws Exception {
    Map<String, String> labels = labels(verified, name);
    assertEquals(kind, labels.get(KIND), KIND);
    assertEquals(namespace, labels.get(NAMESPACE), NAMESPACE);
    assertEquals(service, labels.get(SERVICE), SERVICE);
    assertEquals(endpoint, labels.get(ENDPOINT), ENDPOINT);
    assertEquals(port, labels.get(PORT_NAME), PORT_NAME);
    assertEquals(protocol, labels.get(PROTOCOL), PROTOCOL);
    assertEquals(parseError, labels.get(PARSE_ERROR), PARSE_ERROR);
    assertEquals("team-a", labels.get(CLIENT_NAMESPACE), "the client pod is known whatever the name");
    assertEquals("client-7f9c", labels.get(CLIENT_POD_NAME));
  }

  @Test
  void theClientPodIsKnownOnlyWhenPodsAreIndexed() throws Exception {
    try (Corvus server = serve("", true)) {
      Map<String, String> labels = labels(server, "web.team-a.svc.cluster.local.");
      assertNull(labels.get(CLIENT_NAMESPACE), "pods are not watched without pods verified");
      assertNull(labels.get(CLIENT_POD_NAME));
      assertEquals("web", labels.get(SERVICE));
    }
  }

  @Test
  void withoutTheMetadataDirectiveNothingIsPublished() throws Exception {
    try (Corvus server = serve("    pods verified\n", false)) {
      Map<String, String> labels = labels(server, "web.team-a.svc.cluster.local.");
      assertEquals(LABELS.size(), labels.values().stream().filter(v -> v == null).count(), labels::toString);
    }
  }

  @Test
  void valuesAreComputedWhenReadNotWhenPublished() throws Exception {
    ClusterIndex index = new ClusterIndex(Clock.systemUTC(), Set.of());
    KubernetesMetadata metadata = new KubernetesMetadata(List.of(Name.fromConstantString("cluster.local.")), index);
    Map<String, Supplier<String>> published = new LinkedHashMap<>();

    metadata.publish(Queries.request("web.team-a.svc.cluster.local.", Type.A), published::put);
    // The client's pod arrives after publishing and before any handler reads the label.
    index.putPod(new ClusterIndex.PodRef("team-a", "late", List.of(InetAddress.getLoopbackAddress())));

    assertEquals(LABELS.stream().sorted().toList(), published.keySet().stream().sorted().toList());
    assertEquals("team-a", published.get(CLIENT_NAMESPACE).get());
    assertEquals("late", published.get(CLIENT_POD_NAME).get());
    assertEquals("web", published.get(SERVICE).get());
  }

  @Test
  void multiclusterNamesPublishTheirCluster() {
    ClusterIndex index = new ClusterIndex(Clock.systemUTC(), Set.of());
    Name cluster = Name.fromConstantString("cluster.local.");
    Name clusterset = Name.fromConstantString("clusterset.local.");
    KubernetesMetadata metadata = new KubernetesMetadata(List.of(cluster, clusterset), index, List.of(clusterset));
    Map<String, Supplier<String>> published = new LinkedHashMap<>();
    metadata.publish(Queries.request("ep1.cluster1.web.team-a.svc.clusterset.local.", Type.A), published::put);
    assertEquals("cluster1", published.get(KubernetesMetadata.CLUSTER).get());
    assertEquals("ep1", published.get(ENDPOINT).get());
    assertEquals("", published.get(PORT_NAME).get());

    published.clear();
    metadata.publish(Queries.request("ep1.cluster1.web.team-a.svc.cluster.local.", Type.A), published::put);
    assertNull(published.get(KubernetesMetadata.CLUSTER).get(), "not a multicluster zone");
    assertEquals("ep1", published.get(PORT_NAME).get());
  }
}
