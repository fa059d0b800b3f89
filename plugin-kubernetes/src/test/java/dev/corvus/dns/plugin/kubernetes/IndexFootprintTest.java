package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Fallthrough;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the index itself costs for 10,000 Services and 50,000 endpoint addresses (run with {@code
 * -Dgroups=scale}): the heap live set before and after projecting them, each after a full GC.
 */
@Tag("scale")
class IndexFootprintTest {

  @Test
  void indexHeapForTenThousandServices() {
    Projection projection = new Projection(false);
    long before = liveHeap();
    ClusterIndex index = new ClusterIndex(Clock.systemUTC(), Set.of());
    long start = System.nanoTime();
    for (int ns = 0; ns < 100; ns++) {
      index.putNamespace("ns-" + ns);
      for (int svc = 0; svc < 100; svc++) {
        index.putService(projection.service(Fixtures.clusterIp("ns-" + ns, "svc-" + svc,
            List.of("10.100." + ns + "." + svc), Map.of(), Fixtures.port("http", "TCP", 80))));
        Fixtures.Ep[] eps = new Fixtures.Ep[5];
        for (int e = 0; e < 5; e++) {
          eps[e] = Fixtures.ep("10." + (128 + ns) + "." + svc + "." + e, null, null, true);
        }
        index.putSlice(projection.slice(Fixtures.slice("ns-" + ns, "svc-" + svc, "svc-" + svc + "-x", "IPv4",
            List.of(Fixtures.port("http", "TCP", 8080)), eps)));
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    long after = liveHeap();
    assertEquals(10_000, index.serviceCount());
    System.out.printf("SCALE index: 10000 services + 50000 addresses projected in %d ms, %.1f MB of heap%n",
        millis, (after - before) / 1e6);
    assertEquals(10_000, index.serviceCount());
    handlerCost(index);
  }

  /** The handler's own cost per Service A query, without sockets or the server around it. */
  private static void handlerCost(ClusterIndex index) {
    KubernetesConfig config = new KubernetesConfig(
        List.of(org.xbill.DNS.Name.fromConstantString("cluster.local.")),
        org.xbill.DNS.Name.fromConstantString("cluster.local."),
        new KubernetesConfig.OfflineDirectory(java.nio.file.Path.of(".")), Set.of(), null, null,
        PodMode.DISABLED, false, 5, false, Fallthrough.NONE, false, java.time.Duration.ofSeconds(5));
    KubernetesHandler handler = new KubernetesHandler(config, index, new RecordFinder(config, index), q -> null, () -> true,
        new SearchPathMonitor(config.zones(), index,
            new SearchPathTracker(new dev.corvus.dns.server.metrics.PrometheusMetrics(), SearchPathTracker.DEFAULT_CAPACITY)),
        new AnswerExplainer(config, index, java.time.Clock.systemUTC(), () -> null));
    int n = 2_000_000;
    dev.corvus.dns.api.Request[] requests = new dev.corvus.dns.api.Request[1000];
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < requests.length; i++) {
      org.xbill.DNS.Message m = dev.corvus.dns.server.client.DnsClient.newQuery(
          "svc-" + random.nextInt(100) + ".ns-" + random.nextInt(100) + ".svc.cluster.local.", org.xbill.DNS.Type.A);
      requests[i] = dev.corvus.dns.testkit.Queries.request(m);
    }
    long answers = 0;
    long start = 0;
    for (int i = 0; i < n; i++) {
      if (i == n / 2) {
        start = System.nanoTime();
      }
      dev.corvus.dns.api.Request request = requests[i % requests.length];
      org.xbill.DNS.Message response = handler.handle(dev.corvus.dns.testkit.PluginTestKit.chain(request, chain -> {
        throw new AssertionError("not handed on");
      })).toCompletableFuture().join();
      answers += response.getSection(org.xbill.DNS.Section.ANSWER).size();
    }
    double nanos = (System.nanoTime() - start) / (n / 2.0);
    System.out.printf("SCALE handler: %.0f ns per Service A query (%.0f per second on one core)%n", nanos, 1e9 / nanos);
    assertEquals(n, answers);
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
