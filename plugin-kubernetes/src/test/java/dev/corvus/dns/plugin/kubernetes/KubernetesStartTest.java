package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.testkit.PluginTestKit;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code start} returns at once with a stage that completes at the first sync, or normally when
 * {@code startup_timeout} runs out unsynced (CoreDNS then serves anyway); {@code stop} never waits
 * for it.
 */
class KubernetesStartTest {

  private static final String MISSING = "nothere.team-a.svc.cluster.local.";

  private final PluginTestKit kit = new PluginTestKit();
  private Plugin plugin;

  @AfterEach
  void stop() {
    if (plugin != null) {
      plugin.stop();
    }
    kit.close();
  }

  private Plugin create(MockApiServer api, String startupTimeout) throws Exception {
    plugin = kit.create(new KubernetesFactory(), "cluster.local:53",
        "kubernetes {\n  endpoint " + api.url() + "\n  startup_timeout " + startupTimeout + "\n}");
    return plugin;
  }

  private Message ask(String name) throws Exception {
    return kit.handle(plugin, kit.request(name, Type.A), PluginTestKit.nxdomain());
  }

  @Test
  void theStageCompletesAtTheFirstSyncAndStartDoesNotWaitForIt() throws Exception {
    AtomicBoolean delayed = new AtomicBoolean();
    try (MockApiServer api = new MockApiServer(crud -> new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        MockResponse response = crud.dispatch(request);
        boolean serviceList = request.getPath().startsWith("/api/v1/services?") && !request.getPath().contains("watch=true");
        // The first list of Services arrives late: the first sync is a second away.
        return serviceList && delayed.compareAndSet(false, true) ? response.setBodyDelay(Duration.ofSeconds(1)) : response;
      }

      @Override
      public void shutdown() {
        crud.shutdown();
      }
    })) {
      Fixtures.populate(api.client());
      CompletableFuture<Void> started = create(api, "1m").start().toCompletableFuture();

      assertFalse(started.isDone(), "start returned before the first sync");
      assertRcode(Rcode.SERVFAIL, ask(MISSING));

      started.get(10, TimeUnit.SECONDS);
      assertTrue(delayed.get());
      assertEquals(List.of("10.96.1.1"), Dns.rdata(ask("web.team-a.svc.cluster.local.")));
      assertRcode(Rcode.NXDOMAIN, ask(MISSING));
    }
  }

  @Test
  void theStageCompletesNormallyWhenTheStartupTimeoutRunsOutUnsynced() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      api.stop();
      CompletableFuture<Void> started = create(api, "100ms").start().toCompletableFuture();

      started.get(10, TimeUnit.SECONDS);
      assertFalse(started.isCompletedExceptionally());
      assertRcode(Rcode.SERVFAIL, ask(MISSING));
      api.restart();
    }
  }

  @Test
  void stopDoesNotWaitForTheFirstSync() throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      api.stop();
      CompletableFuture<Void> started = create(api, "1h").start().toCompletableFuture();
      assertFalse(started.isDone());

      plugin.stop();
      plugin = null;

      assertTrue(started.isDone(), "nothing waits for a stopped plugin");
      api.restart();
    }
  }
}
