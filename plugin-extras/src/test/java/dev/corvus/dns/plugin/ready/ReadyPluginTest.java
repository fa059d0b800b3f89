package dev.corvus.dns.plugin.ready;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadyPluginTest {

  private final PluginTestKit kit = new PluginTestKit();

  private static ReadinessProvider provider(String name, AtomicBoolean ready) {
    return new ReadinessProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean isReady() {
        return ready.get();
      }
    };
  }

  @AfterEach
  void closeKit() {
    kit.close();
  }

  private static String body(HttpEndpoints.HttpResponse r) {
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void answers503WithSortedWaitingNamesThen200() throws Exception {
    PluginContext context = kit.context();
    AtomicBoolean kubernetes = new AtomicBoolean();
    AtomicBoolean file = new AtomicBoolean();
    context.readiness().register(provider("kubernetes", kubernetes));
    context.readiness().register(provider("file", file));
    var plugin = new ReadyFactory().create(kit.config("ready"), context);
    plugin.start();
    HttpEndpoints.Route route = kit.route(new InetSocketAddress(8181), "/ready");
    assertEquals("503 file,kubernetes", body(route.handle(null)));
    file.set(true);
    assertEquals("503 kubernetes", body(route.handle(null)));
    kubernetes.set(true);
    assertEquals("200 OK", body(route.handle(null)));
    kubernetes.set(false); // monitored continuously by default
    assertEquals("503 kubernetes", body(route.handle(null)));
    plugin.stop();
  }

  @Test
  void untilReadyLatchesButShutdownStillFails() throws Exception {
    PluginContext context = kit.context();
    AtomicBoolean ready = new AtomicBoolean(true);
    context.readiness().register(provider("loop", ready));
    var plugin = new ReadyFactory().create(kit.config("ready 127.0.0.1:0 {\n monitor until-ready\n}"), context);
    plugin.start();
    HttpEndpoints.Route route = kit.route(new InetSocketAddress("127.0.0.1", 0), "/ready");
    assertEquals("200 OK", body(route.handle(null)));
    ready.set(false);
    assertEquals("200 OK", body(route.handle(null)));
    kit.shuttingDown(true);
    assertEquals("503 shutdown", body(route.handle(null)));
  }

  @Test
  void parsing() {
    assertThrows(ConfigException.class, () -> ReadyFactory.parse(kit.config("ready :1 :2")));
    assertThrows(ConfigException.class, () -> ReadyFactory.parse(kit.config("ready {\n monitor sometimes\n}")));
    assertThrows(ConfigException.class, () -> ReadyFactory.parse(kit.config("ready {\n watch\n}")));
  }
}
