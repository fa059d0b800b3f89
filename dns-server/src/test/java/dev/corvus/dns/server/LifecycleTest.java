package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Building, starting and replacing configurations, as operators depend on it. */
class LifecycleTest {

  /** {@code sized N}: a computed gauge reporting N, as a cache reports its size. */
  private static final class Sized implements PluginFactory {
    @Override
    public String directive() {
      return "sized";
    }

    @Override
    public Placement placement() {
      return Placement.before("records");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      int size = config.nextInt("N", 0, 1000);
      context.metrics().gaugeFunction("corvus_test_size", "A computed size.", List.of(),
          () -> List.of(new Metrics.Sample(List.of(), size)));
      return Plugin.none();
    }
  }

  /** {@code slowstart}: a plugin whose start never finishes, as a kubernetes plugin waiting for its API. */
  private static final class SlowStart implements PluginFactory {
    final Semaphore starting = new Semaphore(0);

    @Override
    public String directive() {
      return "slowstart";
    }

    @Override
    public Placement placement() {
      return Placement.before("records");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) {
      return new Plugin() {
        @Override
        public CompletionStage<Void> start() {
          starting.release();
          return new CompletableFuture<>();
        }
      };
    }
  }

  @Test
  void aReloadThatFailsValidationLeavesComputedMetricsAsServed() throws Exception {
    try (Corvus server = Corvus.builder().plugin(new Sized()).corefile(".:0 {\n sized 7\n records\n}\n")
        .dnsPort(0).start()) {
      assertTrue(server.scrapeMetrics().contains("corvus_test_size 7.0"), server.scrapeMetrics());
      // The new block is read (sized 9 registers its gauge) before the unknown directive fails it.
      assertThrows(ConfigException.class, () -> server.reload(".:0 {\n sized 9\n recordz\n}\n"));
      assertTrue(server.scrapeMetrics().contains("corvus_test_size 7.0"), server.scrapeMetrics());
      server.reload(".:0 {\n sized 9\n records\n}\n");
      assertTrue(server.scrapeMetrics().contains("corvus_test_size 9.0"), server.scrapeMetrics());
    }
  }

  @Test
  void aShutdownDoesNotWaitForAReloadWhosePluginsAreStillStarting() throws Exception {
    SlowStart slow = new SlowStart();
    Corvus server = Corvus.builder().plugin(slow).corefile(".:0 {\n records\n}\n").dnsPort(0).start();
    CompletableFuture<Void> slowReload = CompletableFuture.runAsync(() -> {
      try {
        server.reload(".:0 {\n slowstart\n records\n}\n");
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    assertTrue(slow.starting.tryAcquire(5, TimeUnit.SECONDS), "the reload reached the plugin's start");
    long begin = System.nanoTime();
    server.close();
    assertTrue(System.nanoTime() - begin < TimeUnit.SECONDS.toNanos(3), "close did not wait for the start");
    ExecutionException failed = assertThrows(ExecutionException.class, () -> slowReload.get(5, TimeUnit.SECONDS));
    assertTrue(failed.getCause().getMessage().contains("shutting down"), failed.getCause().getMessage());
    assertEquals(List.of("shutdown"), server.notReady());
  }
}
