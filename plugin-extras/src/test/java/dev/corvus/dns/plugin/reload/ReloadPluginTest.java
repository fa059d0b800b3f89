package dev.corvus.dns.plugin.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.testkit.PluginTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadPluginTest {

  private final PluginTestKit kit = new PluginTestKit();

  @TempDir Path dir;

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void parsingFollowsCorednsLimits() throws Exception {
    assertEquals(new ReloadConfig(Duration.ofSeconds(30), Duration.ofSeconds(15)),
        ReloadFactory.parse(kit.config("reload")));
    assertEquals(new ReloadConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)),
        ReloadFactory.parse(kit.config("reload 10s")));
    assertEquals(new ReloadConfig(Duration.ofSeconds(2), Duration.ZERO),
        ReloadFactory.parse(kit.config("reload 2s 0s")));
    for (String bad : List.of("reload 1s", "reload 10s 500ms", "reload 10s 1s 1s", "reload {\n x\n}")) {
      assertThrows(ConfigException.class, () -> ReloadFactory.parse(kit.config(bad)), bad);
    }
  }

  @Test
  void jitterSpreadsTheIntervalWithinHalfTheJitter() throws Exception {
    for (int i = 0; i < 20; i++) {
      ReloadPlugin plugin = (ReloadPlugin) kit.create(new ReloadFactory(), "reload 30s 15s");
      long millis = plugin.period().toMillis();
      assertTrue(millis >= 22_500 && millis <= 37_500, "period " + millis);
    }
  }

  @Test
  void reloadsOnceWhenAWatchedFileChangesAndCountsFailures() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n whoami\n}\n");
    Path imported = Files.writeString(dir.resolve("extra.conf"), "log\n");
    kit.configSource(new ServerControl.ConfigSource(List.of(corefile, imported), "abc"));
    AtomicInteger reloads = new AtomicInteger();
    kit.reload(() -> {
      reloads.incrementAndGet();
      return CompletableFuture.failedFuture(new ConfigException(new Location(corefile.toString(), 2), "whoamii",
          "unknown directive"));
    });
    // The kit grants the ServerControl the factory declares; its source and reload are the test's.
    ReloadPlugin plugin = (ReloadPlugin) kit.create(new ReloadFactory(), "reload 30s 0s");
    plugin.start();
    assertEquals(1, kit.scrape().sum("coredns_reload_version_info", Map.of("hash", "sha512", "value", "abc")));

    plugin.check();
    assertEquals(0, reloads.get(), "unchanged files");

    Files.writeString(imported, "log\nerrors\n");
    plugin.check();
    assertEquals(1, reloads.get(), "an imported file changed");

    plugin.check();
    assertEquals(1, reloads.get(), "a broken edit is not retried until it changes again");

    kit.reload(() -> {
      reloads.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    });
    Files.writeString(corefile, ".:53 {\n whoami\n log\n}\n");
    plugin.check();
    assertEquals(2, reloads.get());
    plugin.stop();
  }
}
