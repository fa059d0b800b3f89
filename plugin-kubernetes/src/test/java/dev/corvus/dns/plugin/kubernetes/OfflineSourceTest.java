package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.answer;
import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static dev.corvus.dns.plugin.kubernetes.Dns.rdata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code offline DIR}: the distribution's demo cluster answers, and edits to its files are seen. */
class OfflineSourceTest {

  /** The demo cluster the distribution ships (this module's tests check that it answers). */
  static final Path DEMO = Path.of("..", "distribution", "src", "main", "dist", "demo-cluster");

  private static final long WITHIN_MILLIS = 5000;

  static Path copyDemo(Path into) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(DEMO)) {
      for (Path file : files) {
        Files.copy(file, into.resolve(file.getFileName()));
      }
    }
    return into;
  }

  private static Corvus serve(Path dir) throws Exception {
    return Corvus.builder()
        .corefile(
            ".:0 {\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    offline " + dir + "\n"
                + "    pods verified\n  }\n}\n")
        .dnsPort(0)
        .start();
  }

  @Test
  void demoClusterAnswersTheReadmeTable(@TempDir Path dir) throws Exception {
    try (Corvus s = serve(copyDemo(dir))) {
      Dns dns = new Dns(s);
      assertTrue(s.isReady());
      assertEquals(List.of("10.96.0.1"), rdata(dns.query("kubernetes.default.svc.cluster.local.", Type.A)));
      assertEquals(List.of("10.96.0.10"), rdata(dns.query("kube-dns.kube-system.svc.cluster.local.", Type.A)));
      assertEquals(
          List.of("0 100 53 kube-dns.kube-system.svc.cluster.local."),
          rdata(dns.query("_dns._udp.kube-dns.kube-system.svc.cluster.local.", Type.SRV)));
      assertEquals(List.of("10.96.10.10"), rdata(dns.query("web.demo.svc.cluster.local.", Type.A)));
      assertEquals(List.of("fd00:10:96:0:0:0:0:10"), rdata(dns.query("web.demo.svc.cluster.local.", Type.AAAA)));
      assertEquals(List.of("0 50 80 web.demo.svc.cluster.local."), rdata(dns.query("_http._tcp.web.demo.svc.cluster.local.", Type.SRV)));
      assertEquals(List.of("10.244.2.10", "10.244.2.11"), rdata(dns.query("db.demo.svc.cluster.local.", Type.A)));
      assertEquals(List.of("10.244.2.10"), rdata(dns.query("db-0.db.demo.svc.cluster.local.", Type.A)));
      assertEquals(List.of("www.example.org."), rdata(dns.query("search.demo.svc.cluster.local.", Type.CNAME)));
      assertEquals(List.of("kube-dns.kube-system.svc.cluster.local."), rdata(dns.query("10.0.96.10.in-addr.arpa.", Type.PTR)));
      assertEquals(List.of("10.244.2.10"), rdata(dns.query("10-244-2-10.demo.pod.cluster.local.", Type.A)));
      assertRcode(Rcode.NXDOMAIN, dns.query("10-244-2-99.demo.pod.cluster.local.", Type.A));
    }
  }

  @Test
  void addedChangedAndRemovedFilesAreSeen(@TempDir Path dir) throws Exception {
    try (Corvus s = serve(copyDemo(dir))) {
      Dns dns = new Dns(s);
      Path extra = dir.resolve("extra.json");
      Files.writeString(extra, service("cache", "10.96.20.20"));
      dns.awaitAnswer("cache.demo.svc.cluster.local.", Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.96.20.20")));

      Files.writeString(extra, service("cache", "10.96.20.21"));
      dns.awaitAnswer("cache.demo.svc.cluster.local.", Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.96.20.21")));

      // A file that does not parse keeps the last good state.
      Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed\n");
      Files.writeString(extra, service("cache", "10.96.20.22"));
      assertEquals(List.of("10.96.20.21"), rdata(dns.query("cache.demo.svc.cluster.local.", Type.A)));
      Files.delete(dir.resolve("broken.yaml"));
      dns.awaitAnswer("cache.demo.svc.cluster.local.", Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.96.20.22")));

      Files.delete(extra);
      dns.awaitAnswer("cache.demo.svc.cluster.local.", Type.A, WITHIN_MILLIS, m -> m.getRcode() == Rcode.NXDOMAIN);
      assertEquals(1, answer(dns.query("web.demo.svc.cluster.local.", Type.A)).size());
    }
  }

  @Test
  void multiDocumentYamlWithoutNamespacesImpliesThem(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("objects.yml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: one, namespace: solo}\n"
            + "spec: {clusterIP: 10.96.30.1, ports: [{name: http, port: 80}]}\n"
            + "---\n"
            + "apiVersion: v1\nkind: Service\nmetadata: {name: two, namespace: solo}\n"
            + "spec: {clusterIP: 10.96.30.2, ports: [{name: http, port: 80}]}\n");
    try (Corvus s = serve(dir)) {
      Dns dns = new Dns(s);
      assertEquals(List.of("10.96.30.1"), rdata(dns.query("one.solo.svc.cluster.local.", Type.A)));
      assertEquals(List.of("10.96.30.2"), rdata(dns.query("two.solo.svc.cluster.local.", Type.A)));
    }
  }

  private static String service(String name, String ip) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"demo\"},\"spec\":{\"clusterIP\":\"" + ip
        + "\",\"ports\":[{\"name\":\"http\",\"port\":80}]}}";
  }
}
