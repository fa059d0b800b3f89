package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.answer;
import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static dev.corvus.dns.plugin.kubernetes.Dns.rdata;
import static dev.corvus.dns.plugin.kubernetes.Dns.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Each option of the directive, against the same mock API server. */
class KubernetesOptionsTest {

  private static MockApiServer api;

  @BeforeAll
  static void startApi() {
    api = new MockApiServer();
    Fixtures.populate(api.client());
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  private static Corvus serve(String options) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local in-addr.arpa {\n    endpoint " + api.url() + "\n" + options + "\n  }\n}\n")
        .dnsPort(0)
        .start();
  }

  @Test
  void ttlSetsAnswerTtlAndSoaMinimum() throws Exception {
    try (Corvus s = serve("ttl 30")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("web.team-a.svc.cluster.local. 30 A 10.96.1.1"), answer(dns.query("web.team-a.svc.cluster.local.", Type.A)));
      String soa = section(dns.query("nothere.team-a.svc.cluster.local.", Type.A), Section.AUTHORITY).get(0);
      assertTrue(soa.startsWith("cluster.local. 30 SOA ") && soa.endsWith(" 30"), soa);
    }
  }

  @Test
  void ttlZeroIsAllowed() throws Exception {
    try (Corvus s = serve("ttl 0")) {
      assertEquals(List.of("web.team-a.svc.cluster.local. 0 A 10.96.1.1"), answer(new Dns(s).query("web.team-a.svc.cluster.local.", Type.A)));
    }
  }

  @Test
  void namespacesRestrictsAnswersAndReverseLookups() throws Exception {
    try (Corvus s = serve("namespaces team-a")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("kubernetes.default.svc.cluster.local.", Type.A));
      assertRcode(Rcode.NXDOMAIN, dns.query("1.0.96.10.in-addr.arpa.", Type.PTR));
    }
  }

  @Test
  void namespaceLabelsExposeOnlySelectedNamespaces() throws Exception {
    try (Corvus s = serve("namespace_labels env in (prod, staging)")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("kubernetes.default.svc.cluster.local.", Type.A));
    }
  }

  @Test
  void labelsSelectServices() throws Exception {
    try (Corvus s = serve("labels app=web")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("kubernetes.default.svc.cluster.local.", Type.A));
    }
  }

  @Test
  void podsDisabledByDefault() throws Exception {
    try (Corvus s = serve("")) {
      assertRcode(Rcode.NXDOMAIN, new Dns(s).query("10-244-1-10.team-a.pod.cluster.local.", Type.A));
    }
  }

  @Test
  void podsVerifiedAnswersOnlyExistingPodsInTheirNamespace() throws Exception {
    try (Corvus s = serve("pods verified")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.244.1.10"), rdata(dns.query("10-244-1-10.team-a.pod.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("10-244-1-10.default.pod.cluster.local.", Type.A));
      assertRcode(Rcode.NXDOMAIN, dns.query("10-244-9-9.team-a.pod.cluster.local.", Type.A));
      Message ns = dns.query("team-a.pod.cluster.local.", Type.A);
      assertRcode(Rcode.NOERROR, ns);
    }
  }

  @Test
  void endpointPodNamesNamesEndpointsWithoutHostnameAfterTheirPod() throws Exception {
    try (Corvus s = serve("endpoint_pod_names")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.244.2.20"), rdata(dns.query("db-x.db.team-a.svc.cluster.local.", Type.A)));
      assertEquals(List.of("10.244.1.10"), rdata(dns.query("db-0.db.team-a.svc.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("10-244-2-20.db.team-a.svc.cluster.local.", Type.A));
      assertEquals(List.of("db-x.db.team-a.svc.cluster.local."), rdata(dns.query("20.2.244.10.in-addr.arpa.", Type.PTR)));
    }
  }

  @Test
  void noendpointsAnswersClusterIpsOnly() throws Exception {
    try (Corvus s = serve("noendpoints")) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("db.team-a.svc.cluster.local.", Type.A));
      assertRcode(Rcode.NXDOMAIN, dns.query("10.1.244.10.in-addr.arpa.", Type.PTR));
    }
  }

  @Test
  void ignoreEmptyServiceHidesClusterIpServicesWithoutEndpoints() throws Exception {
    try (Corvus s = serve("ignore empty_service")) {
      Dns dns = new Dns(s);
      assertRcode(Rcode.NXDOMAIN, dns.query("empty.team-a.svc.cluster.local.", Type.A));
      assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
    }
    try (Corvus s = serve("")) {
      assertEquals(List.of("10.96.1.3"), rdata(new Dns(s).query("empty.team-a.svc.cluster.local.", Type.A)));
    }
  }

  @Test
  void fallthroughWithoutZonesHandsEveryMissOn() throws Exception {
    try (Corvus s =
        Corvus.builder()
            .corefile(".:0 {\n  kubernetes cluster.local {\n    endpoint " + api.url() + "\n    fallthrough\n  }\n  handed_on\n}\n")
            .plugin(new HandedOnFactory())
            .dnsPort(0)
            .start()) {
      Dns dns = new Dns(s);
      assertEquals(List.of(HandedOnFactory.V4), rdata(dns.query("nothere.team-a.svc.cluster.local.", Type.A)));
      assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
    }
  }

  @Test
  void kubeconfigWithContextConnectsLikeProduction(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(api.url()));
    try (Corvus s =
        Corvus.builder()
            .corefile(".:0 {\n  kubernetes cluster.local {\n    kubeconfig " + kubeconfig + " mock\n  }\n}\n")
            .dnsPort(0)
            .start()) {
      assertEquals(List.of("10.96.0.1"), rdata(new Dns(s).query("kubernetes.default.svc.cluster.local.", Type.A)));
      assertTrue(s.isReady());
    }
  }

  @Test
  void deprecatedAndTuningOptionsAreAccepted() throws Exception {
    try (Corvus s = serve("upstream\n    resyncperiod 30s\n    startup_timeout 10s\n    apiserver_qps 50\n    apiserver_burst 100\n    apiserver_max_inflight 10")) {
      assertEquals(List.of("10.96.1.1"), rdata(new Dns(s).query("web.team-a.svc.cluster.local.", Type.A)));
    }
  }

  /** A kubeconfig whose current context is another cluster; the {@code mock} context is the mock. */
  static String kubeconfig(String url) {
    return "apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\n"
        + "clusters:\n"
        + "- name: mock\n  cluster:\n    server: " + url + "\n"
        + "- name: elsewhere\n  cluster:\n    server: http://127.0.0.1:1\n"
        + "contexts:\n"
        + "- name: mock\n  context:\n    cluster: mock\n    user: tester\n"
        + "- name: elsewhere\n  context:\n    cluster: elsewhere\n    user: tester\n"
        + "users:\n- name: tester\n  user:\n    token: not-checked\n";
  }
}
