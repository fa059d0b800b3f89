package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.answer;
import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static dev.corvus.dns.plugin.kubernetes.Dns.rdata;
import static dev.corvus.dns.plugin.kubernetes.Dns.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Every record kind of the Kubernetes DNS specification, answered over real sockets by a server
 * whose informers read fabric8's mock API server (CRUD mode) through the plugin's own {@code
 * endpoint} option.
 */
class KubernetesRecordsTest {

  private static MockApiServer api;
  private static Corvus server;
  private static Dns dns;

  @BeforeAll
  static void start() throws Exception {
    api = new MockApiServer();
    Fixtures.populate(api.client());
    server =
        Corvus.builder()
            .corefile(
                ".:0 {\n"
                    + "  kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
                    + "    endpoint " + api.url() + "\n"
                    + "    pods insecure\n"
                    + "    fallthrough in-addr.arpa ip6.arpa\n"
                    + "  }\n"
                    + "  handed_on\n"
                    + "}\n")
            .plugin(new HandedOnFactory())
            .dnsPort(0)
            .start();
    dns = new Dns(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    api.close();
  }

  @Test
  void clusterIpServiceAnswersItsClusterIpWithDefaultTtl() {
    Message m = dns.query("web.team-a.svc.cluster.local.", Type.A);
    assertRcode(Rcode.NOERROR, m);
    assertTrue(m.getHeader().getFlag(Flags.AA));
    assertEquals(List.of("web.team-a.svc.cluster.local. 5 A 10.96.1.1"), answer(m));
  }

  @Test
  void kubernetesDefaultServiceAnswers() {
    assertEquals(List.of("10.96.0.1"), rdata(dns.query("kubernetes.default.svc.cluster.local.", Type.A)));
  }

  @Test
  void namesAreCaseInsensitiveAndEchoTheClientsCase() {
    Message m = dns.query("WeB.Team-A.SVC.Cluster.Local.", Type.A);
    assertEquals(List.of("WeB.Team-A.SVC.Cluster.Local. 5 A 10.96.1.1"), answer(m));
    Message srv = dns.query("_HTTP._tcp.web.team-a.svc.CLUSTER.local.", Type.SRV);
    assertEquals(
        List.of("_HTTP._tcp.web.team-a.svc.CLUSTER.local. 5 SRV 0 100 80 web.team-a.svc.CLUSTER.local."),
        answer(srv));
  }

  @Test
  void dualStackServiceAnswersBothFamilies() {
    assertEquals(List.of("10.96.1.2"), rdata(dns.query("dual.team-a.svc.cluster.local.", Type.A)));
    assertEquals(List.of("fd00:0:0:0:0:0:0:2"), rdata(dns.query("dual.team-a.svc.cluster.local.", Type.AAAA)));
  }

  @Test
  void missingFamilyIsNodataWithSoa() {
    Message m = dns.query("web.team-a.svc.cluster.local.", Type.AAAA);
    assertRcode(Rcode.NOERROR, m);
    assertTrue(answer(m).isEmpty());
    List<String> authority = section(m, Section.AUTHORITY);
    assertEquals(1, authority.size());
    assertTrue(
        authority.get(0).startsWith("cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local. "),
        authority.get(0));
    assertTrue(authority.get(0).endsWith(" 7200 1800 86400 5"), authority.get(0));
  }

  @Test
  void headlessServiceAnswersReadyEndpointsOfEverySlice() {
    assertEquals(
        List.of("10.244.1.10", "10.244.1.11", "10.244.2.20"),
        rdata(dns.query("db.team-a.svc.cluster.local.", Type.A)));
    assertEquals(List.of("fd00:0:0:0:0:0:0:20"), rdata(dns.query("db.team-a.svc.cluster.local.", Type.AAAA)));
  }

  @Test
  void endpointHostnamesAnswerAndNotReadyEndpointsDoNotExist() {
    assertEquals(List.of("10.244.1.10"), rdata(dns.query("db-0.db.team-a.svc.cluster.local.", Type.A)));
    assertEquals(List.of("10.244.2.20"), rdata(dns.query("10-244-2-20.db.team-a.svc.cluster.local.", Type.A)));
    assertEquals(List.of("fd00:0:0:0:0:0:0:20"), rdata(dns.query("fd00--20.db.team-a.svc.cluster.local.", Type.AAAA)));
    assertRcode(Rcode.NXDOMAIN, dns.query("db-2.db.team-a.svc.cluster.local.", Type.A));
    // Without endpoint_pod_names the pod name is not a name.
    assertRcode(Rcode.NXDOMAIN, dns.query("db-x.db.team-a.svc.cluster.local.", Type.A));
  }

  @Test
  void srvForNamedPortOfClusterIpServiceHasAddressInAdditional() {
    Message m = dns.query("_https._tcp.web.team-a.svc.cluster.local.", Type.SRV);
    assertEquals(List.of("_https._tcp.web.team-a.svc.cluster.local. 5 SRV 0 100 443 web.team-a.svc.cluster.local."), answer(m));
    assertEquals(List.of("web.team-a.svc.cluster.local. 5 A 10.96.1.1"), section(m, Section.ADDITIONAL));
  }

  @Test
  void plainSrvGivesOneRecordPerPortWithSplitWeight() {
    Message m = dns.query("web.team-a.svc.cluster.local.", Type.SRV);
    assertEquals(
        List.of(
            "web.team-a.svc.cluster.local. 5 SRV 0 50 80 web.team-a.svc.cluster.local.",
            "web.team-a.svc.cluster.local. 5 SRV 0 50 443 web.team-a.svc.cluster.local."),
        answer(m));
    assertEquals(List.of("web.team-a.svc.cluster.local. 5 A 10.96.1.1"), section(m, Section.ADDITIONAL));
  }

  @Test
  void dualStackSrvIsOneRecordOfWeight50WithBothAddresses() {
    Message m = dns.query("_http._tcp.dual.team-a.svc.cluster.local.", Type.SRV);
    assertEquals(List.of("_http._tcp.dual.team-a.svc.cluster.local. 5 SRV 0 50 80 dual.team-a.svc.cluster.local."), answer(m));
    assertEquals(
        List.of("dual.team-a.svc.cluster.local. 5 A 10.96.1.2", "dual.team-a.svc.cluster.local. 5 AAAA fd00:0:0:0:0:0:0:2"),
        section(m, Section.ADDITIONAL));
  }

  @Test
  void headlessSrvNamesEachEndpoint() {
    Message m = dns.query("_postgres._tcp.db.team-a.svc.cluster.local.", Type.SRV);
    List<String> srv = answer(m);
    srv.sort(null);
    assertEquals(
        List.of(
            "_postgres._tcp.db.team-a.svc.cluster.local. 5 SRV 0 25 5432 10-244-2-20.db.team-a.svc.cluster.local.",
            "_postgres._tcp.db.team-a.svc.cluster.local. 5 SRV 0 25 5432 db-0.db.team-a.svc.cluster.local.",
            "_postgres._tcp.db.team-a.svc.cluster.local. 5 SRV 0 25 5432 db-1.db.team-a.svc.cluster.local.",
            "_postgres._tcp.db.team-a.svc.cluster.local. 5 SRV 0 25 5432 fd00--20.db.team-a.svc.cluster.local."),
        srv);
    List<String> extra = section(m, Section.ADDITIONAL);
    extra.sort(null);
    assertEquals(
        List.of(
            "10-244-2-20.db.team-a.svc.cluster.local. 5 A 10.244.2.20",
            "db-0.db.team-a.svc.cluster.local. 5 A 10.244.1.10",
            "db-1.db.team-a.svc.cluster.local. 5 A 10.244.1.11",
            "fd00--20.db.team-a.svc.cluster.local. 5 AAAA fd00:0:0:0:0:0:0:20"),
        extra);
  }

  @Test
  void unknownPortOrProtocolIsNxdomain() {
    assertRcode(Rcode.NXDOMAIN, dns.query("_http._udp.web.team-a.svc.cluster.local.", Type.SRV));
    assertRcode(Rcode.NXDOMAIN, dns.query("_gopher._tcp.web.team-a.svc.cluster.local.", Type.SRV));
  }

  @Test
  void ptrForClusterIpsAndEndpointAddresses() {
    assertEquals(List.of("kubernetes.default.svc.cluster.local."), rdata(dns.query("1.0.96.10.in-addr.arpa.", Type.PTR)));
    assertEquals(List.of("db-0.db.team-a.svc.cluster.local."), rdata(dns.query("10.1.244.10.in-addr.arpa.", Type.PTR)));
    assertEquals(
        List.of("dual.team-a.svc.cluster.local."),
        rdata(dns.query("2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", Type.PTR)));
  }

  @Test
  void fallthroughHandsUnknownReverseNamesToTheNextPlugin() {
    Message m = dns.query("4.3.2.1.in-addr.arpa.", Type.PTR);
    assertEquals(List.of(HandedOnFactory.PTR_TARGET.toString()), rdata(m));
  }

  @Test
  void forwardZoneMissesAreNotHandedOnWithoutFallthroughForThem() {
    Message m = dns.query("nothere.team-a.svc.cluster.local.", Type.A);
    assertRcode(Rcode.NXDOMAIN, m);
    assertEquals(1, section(m, Section.AUTHORITY).size());
  }

  @Test
  void externalNameIsCnameAndInternalTargetIsResolvedInMemory() {
    assertEquals(
        List.of("alias.team-a.svc.cluster.local. 5 CNAME web.team-a.svc.cluster.local."),
        answer(dns.query("alias.team-a.svc.cluster.local.", Type.CNAME)));
    assertEquals(
        List.of(
            "alias.team-a.svc.cluster.local. 5 CNAME web.team-a.svc.cluster.local.",
            "web.team-a.svc.cluster.local. 5 A 10.96.1.1"),
        answer(dns.query("alias.team-a.svc.cluster.local.", Type.A)));
  }

  @Test
  void externalNameTargetOutsideTheZoneIsResolvedThroughTheServer() {
    assertEquals(
        List.of("outside.team-a.svc.cluster.local. 5 CNAME example.org.", "example.org. 60 A " + HandedOnFactory.V4),
        answer(dns.query("outside.team-a.svc.cluster.local.", Type.A)));
  }

  @Test
  void externalNameHasNoSrv() {
    Message m = dns.query("outside.team-a.svc.cluster.local.", Type.SRV);
    assertRcode(Rcode.NOERROR, m);
    assertTrue(answer(m).isEmpty());
  }

  @Test
  void dnsVersionTxt() {
    assertEquals(
        List.of("dns-version.cluster.local. 28800 TXT \"1.1.0\""),
        answer(dns.query("dns-version.cluster.local.", Type.TXT)));
  }

  @Test
  void podRecordsInInsecureMode() {
    assertEquals(List.of("10.244.9.9"), rdata(dns.query("10-244-9-9.team-a.pod.cluster.local.", Type.A)));
    assertEquals(List.of("fd00:0:0:0:0:0:0:9"), rdata(dns.query("fd00--9.team-a.pod.cluster.local.", Type.AAAA)));
    assertRcode(Rcode.NXDOMAIN, dns.query("not-an-ip.team-a.pod.cluster.local.", Type.A));
    assertRcode(Rcode.NXDOMAIN, dns.query("10-244-9-9.nope.pod.cluster.local.", Type.A));
  }

  @Test
  void existingNamespaceAndSvcNamesAreNodata() {
    for (String name : List.of("team-a.svc.cluster.local.", "svc.cluster.local.", "cluster.local.")) {
      Message m = dns.query(name, Type.A);
      assertRcode(Rcode.NOERROR, m);
      assertTrue(answer(m).isEmpty(), name);
      assertEquals(1, section(m, Section.AUTHORITY).size(), name);
    }
  }

  @Test
  void unknownNamesAreNxdomainWithSoa() {
    for (String name :
        List.of(
            "web.nope.svc.cluster.local.",
            "nothere.team-a.svc.cluster.local.",
            "a.b.c.web.team-a.svc.cluster.local.",
            "web.team-a.other.cluster.local.")) {
      Message m = dns.query(name, Type.A);
      assertRcode(Rcode.NXDOMAIN, m);
      assertTrue(section(m, Section.AUTHORITY).get(0).contains(" SOA ns.dns.cluster.local. "), name);
    }
  }

  @Test
  void otherTypesOfExistingNamesAreNodata() {
    Message m = dns.query("web.team-a.svc.cluster.local.", Type.MX);
    assertRcode(Rcode.NOERROR, m);
    assertTrue(answer(m).isEmpty());
    assertRcode(Rcode.NXDOMAIN, dns.query("nothere.team-a.svc.cluster.local.", Type.MX));
  }

  @Test
  void apexHasSoaAndNs() {
    Message soa = dns.query("cluster.local.", Type.SOA);
    assertEquals(1, answer(soa).size());
    assertTrue(answer(soa).get(0).startsWith("cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local."));
    Message ns = dns.query("cluster.local.", Type.NS);
    assertEquals(List.of("cluster.local. 5 NS ns.dns.cluster.local."), answer(ns));
    assertTrue(!section(ns, Section.ADDITIONAL).isEmpty(), ns::toString);
  }

  @Test
  void zoneTransfersAreRefused() {
    assertRcode(Rcode.REFUSED, dns.query("cluster.local.", Type.AXFR));
  }

  @Test
  void readyOnceSynced() {
    assertTrue(server.isReady());
  }
}
