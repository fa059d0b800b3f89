package dev.corvus.dns.plugin.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import dev.corvus.dns.plugin.debug.testkit.FakeContext;
import dev.corvus.dns.plugin.debug.testkit.ScriptedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadPluginTest {

  @TempDir Path dir;

  @Test
  void parsingFollowsCorednsLimits() throws Exception {
    assertEquals(new ReloadConfig(Duration.ofSeconds(30), Duration.ofSeconds(15)),
        ReloadFactory.parse(ScriptedConfig.of("reload")));
    assertEquals(new ReloadConfig(Duration.ofSeconds(10), Duration.ofSeconds(5)),
        ReloadFactory.parse(ScriptedConfig.of("reload 10s")));
    assertEquals(new ReloadConfig(Duration.ofSeconds(2), Duration.ZERO),
        ReloadFactory.parse(ScriptedConfig.of("reload 2s 0s")));
    for (String bad : List.of("reload 1s", "reload 10s 500ms", "reload 10s 1s 1s", "reload {\n x\n}")) {
      assertThrows(ConfigException.class, () -> ReloadFactory.parse(ScriptedConfig.of(bad)), bad);
    }
  }

  @Test
  void jitterSpreadsTheIntervalWithinHalfTheJitter() throws Exception {
    try (FakeContext context = new FakeContext()) {
      for (int i = 0; i < 20; i++) {
        ReloadPlugin plugin = new ReloadPlugin(new ReloadConfig(Duration.ofSeconds(30), Duration.ofSeconds(15)), context);
        long millis = plugin.period().toMillis();
        assertTrue(millis >= 22_500 && millis <= 37_500, "period " + millis);
      }
    }
  }

  @Test
  void reloadsOnceWhenAWatchedFileChangesAndCountsFailures() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n whoami\n}\n");
    Path imported = Files.writeString(dir.resolve("extra.conf"), "log\n");
    try (FakeContext context = new FakeContext()) {
      context.configFiles = List.of(corefile, imported);
      context.configHash = "abc";
      AtomicInteger reloads = new AtomicInteger();
      context.reload = () -> {
        reloads.incrementAndGet();
        return CompletableFuture.failedFuture(new ConfigException(new Location(corefile.toString(), 2), "whoamii",
            "unknown directive"));
      };
      ReloadPlugin plugin = new ReloadPlugin(new ReloadConfig(Duration.ofSeconds(30), Duration.ZERO), context);
      plugin.start();
      assertEquals(1, context.metrics.value("coredns_reload_version_info", "sha512", "abc"));

      plugin.check();
      assertEquals(0, reloads.get(), "unchanged files");

      Files.writeString(imported, "log\nerrors\n");
      plugin.check();
      assertEquals(1, reloads.get(), "an imported file changed");

      plugin.check();
      assertEquals(1, reloads.get(), "a broken edit is not retried until it changes again");

      context.reload = () -> {
        reloads.incrementAndGet();
        return CompletableFuture.completedFuture(null);
      };
      Files.writeString(corefile, ".:53 {\n whoami\n log\n}\n");
      plugin.check();
      assertEquals(2, reloads.get());
      plugin.stop();
    }
  }
}
