package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static dev.corvus.dns.plugin.kubernetes.Dns.rdata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.Poll;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Changes in the API server reach DNS within a second, and an API server outage is survived. */
class KubernetesLiveUpdatesTest {

  private static final long WITHIN_MILLIS = 1000;

  private static Corvus start(MockApiServer api, String options) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  kubernetes cluster.local in-addr.arpa {\n    endpoint " + api.url() + "\n" + options + "  }\n}\n")
        .dnsPort(0)
        .start();
  }

  @Test
  void serviceCreateUpdateAndDeleteAreVisibleWithinOneSecond() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      Fixtures.populate(api.client());
      try (Corvus server = start(api, "")) {
        Dns dns = new Dns(server);
        String name = "fresh.team-a.svc.cluster.local.";
        assertRcode(Rcode.NXDOMAIN, dns.query(name, Type.A));

        Fixtures.create(api.client(), Fixtures.clusterIp("team-a", "fresh", List.of("10.96.7.7"), Map.of(), Fixtures.port("http", "TCP", 80)));
        dns.awaitAnswer(name, Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.96.7.7")));

        Service updated = Fixtures.clusterIp("team-a", "fresh", List.of("10.96.7.8"), Map.of(), Fixtures.port("web", "TCP", 8080));
        api.client().services().resource(updated).update();
        dns.awaitAnswer(name, Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.96.7.8")));
        assertEquals(List.of("0 100 8080 fresh.team-a.svc.cluster.local."), rdata(dns.query("_web._tcp." + name, Type.SRV)));

        api.client().services().inNamespace("team-a").withName("fresh").delete();
        dns.awaitAnswer(name, Type.A, WITHIN_MILLIS, m -> m.getRcode() == Rcode.NXDOMAIN);
        assertRcode(Rcode.NXDOMAIN, dns.query("7.7.96.10.in-addr.arpa.", Type.PTR));
      }
    }
  }

  @Test
  void endpointChangesAndProgrammingLatencyAreVisible() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      Fixtures.populate(api.client());
      try (Corvus server = start(api, "")) {
        Dns dns = new Dns(server);
        EndpointSlice more =
            Fixtures.slice("team-a", "db", "db-4", "IPv4", List.of(Fixtures.port("postgres", "TCP", 5432)),
                Fixtures.ep("10.244.4.40", "db-4", null, true));
        more.getMetadata().setAnnotations(Map.of(KubernetesMetrics.LAST_CHANGE_TRIGGER_TIME, Instant.now().toString()));
        Fixtures.create(api.client(), more);
        dns.awaitAnswer("db-4.db.team-a.svc.cluster.local.", Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.244.4.40")));
        assertTrue(rdata(dns.query("db.team-a.svc.cluster.local.", Type.A)).contains("10.244.4.40"));
        // The latency is observed right after the index is updated, so it may trail the answer.
        String expected = "coredns_kubernetes_dns_programming_duration_seconds_count{service_kind=\"headless_with_selector\"} 1";
        assertTrue(Poll.until(Duration.ofSeconds(5), () -> server.scrapeMetrics().contains(expected)),
            server::scrapeMetrics);
        String metrics = server.scrapeMetrics();
        assertTrue(metrics.contains("corvus_kubernetes_objects{resource=\"services\"} 8"), metrics);

        api.client().discovery().v1().endpointSlices().inNamespace("team-a").withName("db-4").delete();
        dns.awaitAnswer("db-4.db.team-a.svc.cluster.local.", Type.A, WITHIN_MILLIS, m -> m.getRcode() == Rcode.NXDOMAIN);
      }
    }
  }

  @Test
  void answersContinueWhileTheApiServerIsDownAndChangesFlowAfterItReturns() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      Fixtures.populate(api.client());
      try (Corvus server = start(api, "")) {
        Dns dns = new Dns(server);
        assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));

        String age = "corvus_kubernetes_last_sync_age_seconds{resource=\"services\"}";
        awaitMetric(server, age, v -> v == 0);
        api.stop();
        // The watches notice the outage; answers keep coming from the last known state.
        awaitMetric(server, age, v -> v > 0);
        assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
        assertEquals(List.of("10.244.1.10"), rdata(dns.query("db-0.db.team-a.svc.cluster.local.", Type.A)));
        assertTrue(server.isReady());

        api.restart();
        Fixtures.create(api.client(), Fixtures.clusterIp("team-a", "after", List.of("10.96.8.8"), Map.of(), Fixtures.port("http", "TCP", 80)));
        dns.awaitAnswer("after.team-a.svc.cluster.local.", Type.A, 20_000, m -> rdata(m).equals(List.of("10.96.8.8")));
        assertEquals(List.of("10.96.1.1"), rdata(dns.query("web.team-a.svc.cluster.local.", Type.A)));
        awaitMetric(server, "corvus_kubernetes_watch_reconnects_total{resource=\"services\"}", v -> v >= 1);
      }
    }
  }

  @Test
  void notReadyAndServfailForMissesUntilTheFirstSyncButServesAfterStartupTimeout() throws Exception {
    MockApiServer api = new MockApiServer();
    api.stop();
    try (Corvus server = start(api, "    startup_timeout 200ms\n")) {
      assertFalse(server.isReady());
      Message m = new Dns(server).query("web.team-a.svc.cluster.local.", Type.A);
      assertRcode(Rcode.SERVFAIL, m);
      api.restart();
      Fixtures.populate(api.client());
      Dns dns = new Dns(server);
      dns.awaitAnswer("web.team-a.svc.cluster.local.", Type.A, 20_000, r -> rdata(r).equals(List.of("10.96.1.1")));
      assertTrue(Poll.until(Duration.ofSeconds(5), server::isReady), "ready once synced");
    } finally {
      api.close();
    }
  }

  /** Polls the scrape until the sample {@code series} satisfies {@code condition}. */
  private static void awaitMetric(Corvus server, String series, java.util.function.DoublePredicate condition)
      throws InterruptedException {
    AtomicReference<String> last = new AtomicReference<>("");
    boolean matched = Poll.until(Duration.ofSeconds(20), () -> {
      last.set(server.scrapeMetrics());
      for (String line : last.get().split("\n")) {
        if (line.startsWith(series + " ") && condition.test(Double.parseDouble(line.substring(series.length() + 1)))) {
          return true;
        }
      }
      return false;
    });
    assertTrue(matched, () -> "metric " + series + " never matched; last scrape:\n" + last.get());
  }
}
