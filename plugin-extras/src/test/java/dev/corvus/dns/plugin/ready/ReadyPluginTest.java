package dev.corvus.dns.plugin.ready;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import dev.corvus.dns.plugin.debug.testkit.FakeContext;
import dev.corvus.dns.plugin.debug.testkit.ScriptedConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadyPluginTest {

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

  private static String body(HttpEndpoints.HttpResponse r) {
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void answers503WithSortedWaitingNamesThen200() throws Exception {
    try (FakeContext context = new FakeContext()) {
      AtomicBoolean kubernetes = new AtomicBoolean();
      AtomicBoolean file = new AtomicBoolean();
      context.readiness().register(provider("kubernetes", kubernetes));
      context.readiness().register(provider("file", file));
      var plugin = new ReadyFactory().create(ScriptedConfig.of("ready"), context);
      plugin.start();
      HttpEndpoints.Route route = context.route(new InetSocketAddress(8181), "/ready");
      assertEquals("503 file,kubernetes", body(route.handle()));
      file.set(true);
      assertEquals("503 kubernetes", body(route.handle()));
      kubernetes.set(true);
      assertEquals("200 OK", body(route.handle()));
      kubernetes.set(false); // monitored continuously by default
      assertEquals("503 kubernetes", body(route.handle()));
      plugin.stop();
    }
  }

  @Test
  void untilReadyLatchesButShutdownStillFails() throws Exception {
    try (FakeContext context = new FakeContext()) {
      AtomicBoolean ready = new AtomicBoolean(true);
      context.readiness().register(provider("loop", ready));
      var plugin = new ReadyFactory().create(ScriptedConfig.of("ready 127.0.0.1:0 {\n monitor until-ready\n}"), context);
      plugin.start();
      HttpEndpoints.Route route = context.routes.values().iterator().next();
      assertEquals("200 OK", body(route.handle()));
      ready.set(false);
      assertEquals("200 OK", body(route.handle()));
      context.shuttingDown = true;
      assertEquals("503 shutdown", body(route.handle()));
    }
  }

  @Test
  void parsing() {
    assertThrows(ConfigException.class, () -> ReadyFactory.parse(ScriptedConfig.of("ready :1 :2")));
    assertThrows(ConfigException.class, () -> ReadyFactory.parse(ScriptedConfig.of("ready {\n monitor sometimes\n}")));
    assertThrows(ConfigException.class, () -> ReadyFactory.parse(ScriptedConfig.of("ready {\n watch\n}")));
  }
}
