package dev.corvus.dns.plugin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Poll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthPluginTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void defaultsToPort8080OnAllAddressesWithoutLameduck() throws Exception {
    HealthConfig config = HealthFactory.parse(kit.config("health"));
    assertEquals(new InetSocketAddress(8080), config.address());
    assertEquals(Duration.ZERO, config.lameduck());
  }

  @Test
  void parsesAddressAndLameduck() throws Exception {
    HealthConfig config = HealthFactory.parse(kit.config("health 127.0.0.1:8092 {\n lameduck 1s\n}"));
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8092), config.address());
    assertEquals(Duration.ofSeconds(1), config.lameduck());
    assertThrows(ConfigException.class, () -> HealthFactory.parse(kit.config("health :1 :2")));
    assertThrows(ConfigException.class, () -> HealthFactory.parse(kit.config("health {\n lameduck\n}")));
    assertThrows(ConfigException.class, () -> HealthFactory.parse(kit.config("health {\n lameduck 1s 2s\n}")));
    assertThrows(ConfigException.class, () -> HealthFactory.parse(kit.config("health {\n lame 1s\n}")));
  }

  @Test
  void servesOkUntilStoppedAndReportsLameduck() throws Exception {
    PluginContext context = kit.context();
    Plugin plugin = new HealthFactory().create(kit.config("health 127.0.0.1:0 {\n lameduck 3s\n}"), context);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    assertNull(kit.route(address, "/health"), "create must not serve");
    plugin.start();
    var response = kit.route(address, "/health").handle(null);
    assertEquals(200, response.status());
    assertEquals("OK", new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(Duration.ofSeconds(3), plugin.lameduck());
    plugin.stop();
    assertNull(kit.route(address, "/health"));
  }

  @Test
  void selfProbeRecordsDurationAgainstTheBoundPort() throws Exception {
    try (Corvus server = Corvus.builder().corefile(".:0 {\n health 127.0.0.1:0\n whoami\n}").dnsPort(0).start()) {
      assertTrue(Poll.until(Duration.ofSeconds(10),
          () -> MetricsText.parse(server.scrapeMetrics()).sum("coredns_health_request_duration_seconds_count") >= 1),
          "the once-a-second self-probe ran");
      assertEquals(0, server.metricValue("coredns_health_request_failures_total"));
    }
  }

  @Test
  void probesWildcardAddressOnLoopback() throws Exception {
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080),
        HealthProbe.target(new InetSocketAddress(8080)));
    InetSocketAddress ipv6 = new InetSocketAddress(InetAddress.getByName("::1"), 81);
    assertEquals(ipv6, HealthProbe.target(ipv6));
  }

  @Test
  void readsTheStatusCodeOfTheStatusLine() throws Exception {
    assertEquals(200, HealthProbe.parseStatus("HTTP/1.1 200"));
    assertEquals(503, HealthProbe.parseStatus("HTTP/1.0 503"));
    assertThrows(java.io.IOException.class, () -> HealthProbe.parseStatus("SSH-2.0-Open"));
    assertThrows(java.io.IOException.class, () -> HealthProbe.parseStatus(""));
  }

  @Test
  void aProbeOfAPortServingSomethingElseCountsAFailure() throws Exception {
    try (java.net.ServerSocket notHttp = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread server = new Thread(() -> {
        try (java.net.Socket client = notHttp.accept()) {
          client.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
          // the probe closed first
        }
      });
      server.start();
      assertThrows(java.io.IOException.class,
          () -> HealthProbe.status((InetSocketAddress) notHttp.getLocalSocketAddress(), Duration.ofSeconds(2)));
      server.join(2000);
    }
  }
}
