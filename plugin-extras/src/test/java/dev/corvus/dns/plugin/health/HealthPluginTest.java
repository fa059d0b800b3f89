package dev.corvus.dns.plugin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.plugin.debug.testkit.FakeContext;
import dev.corvus.dns.plugin.debug.testkit.ScriptedConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthPluginTest {

  @Test
  void defaultsToPort8080OnAllAddressesWithoutLameduck() throws Exception {
    HealthConfig config = HealthFactory.parse(ScriptedConfig.of("health"));
    assertEquals(new InetSocketAddress(8080), config.address());
    assertEquals(Duration.ZERO, config.lameduck());
  }

  @Test
  void parsesAddressAndLameduck() throws Exception {
    HealthConfig config = HealthFactory.parse(ScriptedConfig.of("health 127.0.0.1:8092 {\n lameduck 1s\n}"));
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8092), config.address());
    assertEquals(Duration.ofSeconds(1), config.lameduck());
    assertThrows(ConfigException.class, () -> HealthFactory.parse(ScriptedConfig.of("health :1 :2")));
    assertThrows(ConfigException.class, () -> HealthFactory.parse(ScriptedConfig.of("health {\n lameduck\n}")));
    assertThrows(ConfigException.class, () -> HealthFactory.parse(ScriptedConfig.of("health {\n lameduck 1s 2s\n}")));
    assertThrows(ConfigException.class, () -> HealthFactory.parse(ScriptedConfig.of("health {\n lame 1s\n}")));
  }

  @Test
  void servesOkUntilStoppedAndReportsLameduck() throws Exception {
    try (FakeContext context = new FakeContext()) {
      Plugin plugin = new HealthFactory().create(ScriptedConfig.of("health 127.0.0.1:0 {\n lameduck 3s\n}"), context);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
      assertNull(context.route(address, "/health"), "create must not serve");
      plugin.start();
      var response = context.route(address, "/health").handle();
      assertEquals(200, response.status());
      assertEquals("OK", new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(Duration.ofSeconds(3), plugin.lameduck());
      plugin.stop();
      assertNull(context.route(address, "/health"));
    }
  }

  @Test
  void selfProbeRecordsDuration() throws Exception {
    try (FakeContext context = new FakeContext()) {
      HealthPlugin plugin = (HealthPlugin) new HealthFactory().create(ScriptedConfig.of("health 127.0.0.1:0"), context);
      plugin.start();
      plugin.probe();
      plugin.stop();
      assertEquals(1, context.metrics.histogram("coredns_health_request_duration_seconds").count());
      assertEquals(0, context.metrics.value("coredns_health_request_failures_total"));
    }
  }

  @Test
  void probesWildcardAddressOnLoopback() throws Exception {
    assertEquals("http://127.0.0.1:8080/health", HealthPlugin.uri(new InetSocketAddress(8080)).toString());
    assertEquals("http://[0:0:0:0:0:0:0:1]:81/health",
        HealthPlugin.uri(new InetSocketAddress(InetAddress.getByName("::1"), 81)).toString());
  }
}
