package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.Poll;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * An informer whose list gets no answer is replaced by one that lists again after the stall
 * time, rather than left to fabric8: at 10,000 Services one start-up in three to six never got
 * ready, its Namespace list served by the API server and never delivered, and fabric8's request
 * timeout (which here retries the delayed answer after 10 s) never fired.
 */
class InformerStallTest {

  private static final Duration STALL = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aListThatNeverCompletesIsAskedAgainAndTheSourceSyncs() throws Exception {
    AtomicInteger namespaceLists = new AtomicInteger();
    try (MockApiServer api = new MockApiServer(crud -> new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        MockResponse response = crud.dispatch(request);
        boolean namespaceList = request.getPath().startsWith("/api/v1/namespaces?")
            && !request.getPath().contains("watch=true");
        if (namespaceList && namespaceLists.getAndIncrement() == 0) {
          return response.setBodyDelay(Duration.ofHours(1));
        }
        return response;
      }

      @Override
      public void shutdown() {
        crud.shutdown();
      }
    })) {
      Fixtures.populate(api.client());
      try (Informers informers = new Informers(api)) {
        InformerSource source = informers.source;
        ClusterIndex index = informers.index;
        source.start();
        // Well under fabric8's 10 s request timeout: the restart, not a retry of fabric8's, syncs it.
        assertTrue(Poll.until(Duration.ofSeconds(8), source::hasSynced),
            "not synced 8 s after start; namespace lists asked: " + namespaceLists);
        assertEquals(2, namespaceLists.get());
        assertEquals(3, index.namespaceCount());
        assertEquals(8, index.serviceCount());
        MetricsText scrape = informers.scrape();
        assertEquals(1, scrape.sum("corvus_kubernetes_informer_restarts_total", Map.of("resource", "namespaces")));
        assertEquals(1, scrape.sum("corvus_kubernetes_informer_restarts_total"));
      }
    }
  }

  @Test
  void aSyncedInformerReplacedAfterAnOutageKeepsEveryObject() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      Fixtures.populate(api.client());
      try (Informers informers = new Informers(api)) {
        InformerSource source = informers.source;
        ClusterIndex index = informers.index;
        source.start();
        assertTrue(Poll.until(WAIT, source::hasSynced), "first sync");
        int services = index.serviceCount();
        int slices = index.sliceCount();
        api.stop();
        assertTrue(Poll.until(WAIT, () -> informers.scrape().sum("corvus_kubernetes_informer_restarts_total") >= 3),
            "every informer replaced while the API server is away");
        assertEquals(services, index.serviceCount(), "answers from the last known state meanwhile");
        assertEquals(slices, index.sliceCount());
        assertEquals(List.of(java.net.InetAddress.getByName("10.96.1.1")), index.service("team-a", "web").clusterIps(),
            "the views are the objects', not the metadata the replacement took over");
        api.restart();
        assertTrue(Poll.until(WAIT, () -> source.resourceStatus().stream().allMatch(ClusterSource.ResourceStatus::connected)),
            "every watch back");
        assertEquals(services, index.serviceCount());
        assertEquals(slices, index.sliceCount());
        assertEquals(3, index.namespaceCount());
      }
    }
  }

  @Test
  void aStallIsMeasuredOnTheTicker() throws Exception {
    try (MockApiServer api = new MockApiServer(crud -> new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        MockResponse response = crud.dispatch(request);
        boolean namespaceList = request.getPath().startsWith("/api/v1/namespaces?")
            && !request.getPath().contains("watch=true");
        return namespaceList ? response.setBodyDelay(Duration.ofHours(1)) : response;
      }

      @Override
      public void shutdown() {
        crud.shutdown();
      }
    })) {
      Fixtures.populate(api.client());
      ManualClock ticker = new ManualClock();
      try (Informers informers = new Informers(api, ticker, Duration.ofMinutes(1))) {
        informers.source.start();
        assertTrue(Poll.until(WAIT, () -> informers.source.resourceStatus().stream()
                .filter(status -> status.resource().equals("services")).allMatch(ClusterSource.ResourceStatus::connected)),
            "the services are watched; the namespaces list hangs");
        assertEquals(0, informers.scrape().sum("corvus_kubernetes_informer_restarts_total"),
            "no stall while the ticker stands, however long the list takes");

        ticker.advance(Duration.ofSeconds(61));

        assertTrue(Poll.until(WAIT, () -> informers.scrape().sum("corvus_kubernetes_informer_restarts_total",
            Map.of("resource", "namespaces")) >= 1), "a minute on the ticker without progress is a stall");
        assertEquals(0, informers.scrape().sum("corvus_kubernetes_informer_restarts_total", Map.of("resource", "services")),
            "a watching informer is never stalled");
      }
    }
  }

  @Test
  void theAgeOfTheDataIsMeasuredOnTheTicker() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      Fixtures.populate(api.client());
      ManualClock ticker = new ManualClock();
      try (Informers informers = new Informers(api, ticker, Duration.ofHours(1))) {
        InformerSource source = informers.source;
        source.start();
        source.firstSync().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(Poll.until(WAIT, () -> source.resourceStatus().stream().allMatch(ClusterSource.ResourceStatus::connected)));
        assertEquals(Duration.ZERO, source.syncAge().get("services"));

        api.stop();
        assertTrue(Poll.until(WAIT, () -> source.resourceStatus().stream().noneMatch(ClusterSource.ResourceStatus::connected)),
            "every watch lost");
        assertEquals(Duration.ZERO, source.syncAge().get("services"), "the ticker has not moved, whatever the wall clock did");
        ticker.advance(Duration.ofSeconds(42));
        assertEquals(Duration.ofSeconds(42), source.syncAge().get("services"));
        api.restart();
      }
    }
  }

  /** An informer source on {@code api} with the short stall time, its index, metrics and scheduler. */
  private static final class Informers implements AutoCloseable {
    final Clock clock = Clock.systemUTC();
    final PrometheusMetrics metrics = new PrometheusMetrics();
    final ClusterIndex index = new ClusterIndex(clock, Set.of());
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final InformerSource source;

    Informers(MockApiServer api) {
      this(api, Ticker.system(), STALL);
    }

    Informers(MockApiServer api, Ticker ticker, Duration stall) {
      source = new InformerSource(config(api.url()), index, new Projection(false),
          new KubernetesMetrics(metrics, clock), clock, ticker, scheduler, stall);
    }

    MetricsText scrape() {
      return MetricsText.scrape(metrics);
    }

    @Override
    public void close() {
      source.close();
      scheduler.shutdownNow();
    }
  }

  private static KubernetesConfig config(String url) {
    Name zone = Name.fromConstantString("cluster.local.");
    return new KubernetesConfig(List.of(zone), zone,
        new KubernetesConfig.ApiServer(url, null, null, null, 0, 0, 0), Set.of(), null, null,
        PodMode.DISABLED, false, 5, false, Fallthrough.NONE, false, Duration.ofSeconds(5));
  }
}
