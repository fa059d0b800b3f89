package dev.corvus.dns.plugin.k8s_external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * {@code k8s_external} and LoadBalancer ingress host names, as CoreDNS answers them: A and AAAA
 * with a CNAME to the host name followed by the server's own answer for it, SRV with the host name
 * as target and its addresses in the additional section. Services come from fabric8's mock API
 * server (CRUD mode) through the informers; every case is asked over UDP and over TCP.
 *
 * <p>The {@code kubernetes} TTL (7) and the {@code k8s_external} TTL (11) differ, to show which
 * record carries which: CoreDNS gives the records it builds from the service data (CNAME, SRV) the
 * former, the address records the latter. The host names' addresses come from {@code elb_names}
 * (below), with its own TTL (60).
 */
class K8sExternalHostnameTest {

  private static final String ELB_V4 = "192.0.2.80";
  private static final String ELB_V6 = "2001:db8::80";
  /** {@link #ELB_V6} as dnsjava prints an AAAA record's data. */
  private static final String ELB_V6_TEXT = "2001:db8:0:0:0:0:0:80";

  private static KubernetesMockServer api;
  private static Corvus server;
  private static final ElbNames elbNames = new ElbNames();

  @BeforeAll
  static void start() throws Exception {
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = api.createClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    // As an AWS load balancer reports itself: a host name only.
    client.services().resource(loadBalancer("nlb", "k8s-shop-nlb-0123.elb.example.net", null)).create();
    // One entry by IP, one by host name.
    client.services().resource(loadBalancer("mixed", "mixed.elb.example.net", "198.51.100.9")).create();
    // A host name under k8s_external's own zone: answered with the CNAME alone, never looked up.
    client.services().resource(loadBalancer("inside", "nlb.shop.example.org", null)).create();
    String url = "http://127.0.0.1:" + api.getPort();
    server = Corvus.builder()
        .corefile(".:0 {\n"
            + "  kubernetes cluster.local {\n    endpoint " + url + "\n    ttl 7\n  }\n"
            + "  k8s_external example.org {\n    ttl 11\n    fallthrough\n  }\n"
            + "  elb_names\n"
            + "}\n")
        .plugin(elbNames)
        .dnsPort(0)
        .start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    api.destroy();
  }

  private static Service loadBalancer(String name, String hostname, String ip) {
    ServiceBuilder builder = new ServiceBuilder()
        .withNewMetadata().withNamespace("shop").withName(name).endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withClusterIP("10.96.7.7")
        .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort()
        .addNewPort().withName("quic").withProtocol("UDP").withPort(443).endPort()
        .endSpec();
    var ingress = builder.withNewStatus().withNewLoadBalancer();
    if (ip != null) {
      ingress = ingress.addNewIngress().withIp(ip).endIngress();
    }
    return ingress.addNewIngress().withHostname(hostname).endIngress().endLoadBalancer().endStatus().build();
  }

  private static Message ask(String transport, String name, int type) throws IOException {
    DnsClient dns = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
    return transport.equals("udp") ? dns.udp(name, type) : dns.tcp(name, type);
  }

  /** Each record as {@code owner TTL TYPE rdata}, in the order of the section. */
  private static List<String> records(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      out.add(r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + r.rdataToString());
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void aHostNameAnswersACnameFollowedByItsAddresses(String transport) throws Exception {
    Message a = ask(transport, "nlb.shop.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, a.getRcode());
    assertTrue(a.getHeader().getFlag(Flags.AA));
    assertEquals(List.of(
            "nlb.shop.example.org. 7 CNAME k8s-shop-nlb-0123.elb.example.net.",
            "k8s-shop-nlb-0123.elb.example.net. 60 A " + ELB_V4),
        records(a, Section.ANSWER), "one CNAME although the Service has two ports");
    Message aaaa = ask(transport, "nlb.shop.example.org.", Type.AAAA);
    assertEquals(List.of(
            "nlb.shop.example.org. 7 CNAME k8s-shop-nlb-0123.elb.example.net.",
            "k8s-shop-nlb-0123.elb.example.net. 60 AAAA " + ELB_V6_TEXT),
        records(aaaa, Section.ANSWER));
    assertTrue(aaaa.getHeader().getFlag(Flags.AA));
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void srvRecordsTargetTheHostNameWithItsAddressesAdditional(String transport) throws Exception {
    Message port = ask(transport, "_https._tcp.nlb.shop.example.org.", Type.SRV);
    assertEquals(List.of("_https._tcp.nlb.shop.example.org. 7 SRV 0 100 443 k8s-shop-nlb-0123.elb.example.net."),
        records(port, Section.ANSWER));
    assertEquals(List.of("k8s-shop-nlb-0123.elb.example.net. 60 A " + ELB_V4,
        "k8s-shop-nlb-0123.elb.example.net. 60 AAAA " + ELB_V6_TEXT), records(port, Section.ADDITIONAL));
    // Both ports share the weight; the target's addresses are asked once.
    Message all = ask(transport, "nlb.shop.example.org.", Type.SRV);
    assertEquals(List.of("nlb.shop.example.org. 7 SRV 0 50 443 k8s-shop-nlb-0123.elb.example.net."),
        records(all, Section.ANSWER), "one SRV per target and port (both ports are 443)");
    assertEquals(2, all.getSection(Section.ADDITIONAL).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void anIngressIpAndAHostNameAnswerTogether(String transport) throws Exception {
    assertEquals(List.of(
            "mixed.shop.example.org. 11 A 198.51.100.9",
            "mixed.shop.example.org. 7 CNAME mixed.elb.example.net.",
            "mixed.elb.example.net. 60 A " + ELB_V4),
        records(ask(transport, "mixed.shop.example.org.", Type.A), Section.ANSWER));
    Message srv = ask(transport, "_https._tcp.mixed.shop.example.org.", Type.SRV);
    assertEquals(List.of(
            "_https._tcp.mixed.shop.example.org. 7 SRV 0 50 443 mixed.shop.example.org.",
            "_https._tcp.mixed.shop.example.org. 7 SRV 0 50 443 mixed.elb.example.net."),
        records(srv, Section.ANSWER));
    assertEquals(List.of(
            "mixed.shop.example.org. 11 A 198.51.100.9",
            "mixed.elb.example.net. 60 A " + ELB_V4,
            "mixed.elb.example.net. 60 AAAA " + ELB_V6_TEXT),
        records(srv, Section.ADDITIONAL));
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void otherTypesAreNoData(String transport) throws Exception {
    // CoreDNS answers only A, AAAA and SRV with the host name; a CNAME query included.
    for (int type : new int[] {Type.CNAME, Type.TXT}) {
      Message m = ask(transport, "nlb.shop.example.org.", type);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getSection(Section.ANSWER).isEmpty(), Type.string(type));
      assertEquals(List.of("example.org. 11 SOA"), records(m, Section.AUTHORITY).stream()
          .map(r -> r.substring(0, r.indexOf(" SOA") + 4)).toList());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void aHostNameUnderTheOwnZoneIsNotLookedUp(String transport) throws Exception {
    int asked = elbNames.asked.get();
    assertEquals(List.of("inside.shop.example.org. 7 CNAME nlb.shop.example.org."),
        records(ask(transport, "inside.shop.example.org.", Type.A), Section.ANSWER));
    assertEquals(asked, elbNames.asked.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void fallthroughPassesOnOnlyWhatDoesNotExist(String transport) throws Exception {
    // No port of that name: NXDOMAIN in k8s_external, so handed on with fallthrough.
    assertEquals(List.of("_nope._tcp.nlb.shop.example.org. 60 TXT \"handed on\""),
        records(ask(transport, "_nope._tcp.nlb.shop.example.org.", Type.SRV), Section.ANSWER));
    // A Service with only a host name exists: answered here, not handed on.
    Message a = ask(transport, "nlb.shop.example.org.", Type.A);
    assertFalse(records(a, Section.ANSWER).stream().anyMatch(r -> r.contains("TXT")));
  }

  @Test
  void explanationsNameTheHostNameWithoutAskingForIt() throws Exception {
    int asked = elbNames.asked.get();
    var explanation = server.explain("nlb.shop.example.org.", Type.A, new InetSocketAddress("127.0.0.1", 40000));
    List<String> notes = explanation.steps().stream()
        .filter(step -> step.directive().equals("k8s_external"))
        .flatMap(step -> step.notes().stream())
        .toList();
    assertEquals(List.of(
        "service shop/nlb (external IPs and LoadBalancer ingress: k8s-shop-nlb-0123.elb.example.net.):"
            + " 2 external addresses and ports",
        "the addresses of k8s-shop-nlb-0123.elb.example.net. are asked through the server when answering"), notes);
    assertEquals(asked, elbNames.asked.get());
  }

  /**
   * Test-only directive {@code elb_names}, after {@code kubernetes}: answers A and AAAA for names
   * under {@code elb.example.net} (as the cloud's DNS would), a TXT {@code handed on} for anything
   * else that reaches it, and counts the queries for load balancer names.
   */
  static final class ElbNames implements PluginFactory {

    final AtomicInteger asked = new AtomicInteger();

    @Override
    public String directive() {
      return "elb_names";
    }

    @Override
    public Placement placement() {
      return Placement.after("kubernetes");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      config.expectNoMoreArgs();
      Name elb = Name.fromConstantString("elb.example.net.");
      return Plugin.of(chain -> {
        var request = chain.request();
        if (!request.qname().subdomain(elb)) {
          return Responses.completed(Responses.answer(request,
              new TXTRecord(request.qname(), DClass.IN, 60, "handed on")));
        }
        asked.incrementAndGet();
        Record record = switch (request.qtype()) {
          case Type.A -> new ARecord(request.qname(), DClass.IN, 60, Names.parseAddressLiteral(ELB_V4));
          case Type.AAAA -> new AAAARecord(request.qname(), DClass.IN, 60, Names.parseAddressLiteral(ELB_V6));
          default -> null;
        };
        return Responses.completed(record == null ? Responses.answer(request) : Responses.answer(request, record));
      });
    }
  }
}
