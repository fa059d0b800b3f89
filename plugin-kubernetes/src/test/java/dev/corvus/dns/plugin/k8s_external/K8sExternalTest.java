package dev.corvus.dns.plugin.k8s_external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code k8s_external}: external and LoadBalancer IPs under an external zone. */
class K8sExternalTest {

  private static KubernetesMockServer api;
  private static Corvus server;
  private static DnsClient dns;

  @BeforeAll
  static void start() throws Exception {
    api = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
        new java.util.HashMap<>(), new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
    api.init(java.net.InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = api.createClient();
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    client.services().resource(loadBalancer()).create();
    client.services().resource(new ServiceBuilder()
        .withNewMetadata().withNamespace("shop").withName("internal").endMetadata()
        .withNewSpec().withClusterIP("10.96.5.6").addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec()
        .build()).create();
    String url = "http://127.0.0.1:" + api.getPort();
    server =
        Corvus.builder()
            .corefile(".:0 {\n  kubernetes cluster.local {\n    endpoint " + url + "\n  }\n"
                + "  k8s_external example.org {\n    ttl 10\n  }\n}\n")
            .dnsPort(0)
            .start();
    dns = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    api.destroy();
  }

  private static Service loadBalancer() {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace("shop").withName("front").endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withClusterIP("10.96.5.5")
        .withExternalIPs("192.0.2.10")
        .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort()
        .withSelector(Map.of("app", "front"))
        .endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.7").endIngress().endLoadBalancer().endStatus()
        .build();
  }

  private static List<String> rdata(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      out.add(r.getTTL() + " " + Type.string(r.getType()) + " " + r.rdataToString());
    }
    out.sort(null);
    return out;
  }

  @Test
  void externalAndLoadBalancerIpsAnswer() throws Exception {
    Message m = dns.udp("front.shop.example.org.", Type.A);
    assertEquals(List.of("10 A 192.0.2.10", "10 A 198.51.100.7"), rdata(m, Section.ANSWER));
  }

  @Test
  void srvForNamedPort() throws Exception {
    Message m = dns.udp("_https._tcp.front.shop.example.org.", Type.SRV);
    // As CoreDNS: the SRV record carries the kubernetes TTL (default 5), its addresses k8s_external's.
    assertEquals(List.of("5 SRV 0 50 443 front.shop.example.org."), rdata(m, Section.ANSWER));
    assertEquals(List.of("10 A 192.0.2.10", "10 A 198.51.100.7"), rdata(m, Section.ADDITIONAL));
  }

  @Test
  void serviceWithoutExternalIpsIsNxdomainWithSoa() throws Exception {
    Message m = dns.udp("internal.shop.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, m.getRcode());
    assertTrue(rdata(m, Section.AUTHORITY).get(0).startsWith("10 SOA ns1.dns.example.org. hostmaster.dns.example.org."));
  }

  @Test
  void apexAnswersSoaAndNs() throws Exception {
    assertEquals(List.of("10 NS ns1.dns.example.org."), rdata(dns.udp("example.org.", Type.NS), Section.ANSWER));
    assertEquals(1, rdata(dns.udp("example.org.", Type.SOA), Section.ANSWER).size());
  }

  @Test
  void explanationsNameTheServiceAndItsExternalAddresses() throws Exception {
    java.net.InetSocketAddress client = new java.net.InetSocketAddress("127.0.0.1", 40000);
    assertEquals(List.of("service shop/front (external IPs and LoadBalancer ingress: 192.0.2.10, 198.51.100.7):"
            + " 2 external addresses and ports"),
        notes(server.explain("front.shop.example.org.", Type.A, client)));
    assertEquals(List.of("no service nope in namespace shop: 0 external addresses and ports"),
        notes(server.explain("nope.shop.example.org.", Type.A, client)));
  }

  private static List<String> notes(dev.corvus.dns.api.capability.Explanation explanation) {
    return explanation.steps().stream()
        .filter(step -> step.directive().equals("k8s_external"))
        .flatMap(step -> step.notes().stream())
        .toList();
  }
}
