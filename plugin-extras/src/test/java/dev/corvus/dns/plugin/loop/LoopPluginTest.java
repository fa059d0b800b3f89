package dev.corvus.dns.plugin.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.debug.testkit.FakeContext;
import dev.corvus.dns.plugin.debug.testkit.Queries;
import dev.corvus.dns.plugin.debug.testkit.ScriptedConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class LoopPluginTest {

  private static final Name ZONE = Name.fromConstantString("example.org.");

  private static Request internal(Message query) {
    return Request.of(query, new InetSocketAddress("127.0.0.1", 0), Transport.INTERNAL, ZONE, "dns://:53",
        new QueryContext(System.nanoTime()));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5); // polling with a deadline
    }
  }

  @Test
  void probeThatComesBackIsALoop() throws Exception {
    try (FakeContext context = new FakeContext()) {
      LoopPlugin plugin = (LoopPlugin) new LoopFactory().create(ScriptedConfig.of("loop", List.of(ZONE)), context);
      AtomicInteger forwarded = new AtomicInteger();
      // "forward" after loop sends everything back through the server: a loop.
      context.resolver = query -> plugin.handle(Queries.chain(internal(query), "forward", r -> {
        forwarded.incrementAndGet();
        return context.resolver().resolve(r.message());
      }));
      plugin.start();
      awaitTrue(plugin::loopDetected);

      assertTrue(plugin.loopDetected());
      assertEquals(2, forwarded.get(), "the third sighting is answered, not forwarded");
      assertEquals(List.of("loop"), context.readiness().notReady());
      assertTrue(plugin.probeName().subdomain(ZONE));
      assertEquals(4, plugin.probeName().labels() - ZONE.labels() + 2);

      Request later = Queries.request("www.example.org.", Type.A);
      Message answer = plugin.handle(Queries.chain(later, "forward", r -> {
        throw new AssertionError("no forwarding after a loop was detected");
      })).toCompletableFuture().get();
      assertEquals(Rcode.SERVFAIL, answer.getRcode());
      plugin.stop();
    }
  }

  @Test
  void probeAnsweredByUpstreamIsNoLoop() throws Exception {
    try (FakeContext context = new FakeContext()) {
      LoopPlugin plugin = (LoopPlugin) new LoopFactory().create(ScriptedConfig.of("loop", List.of(ZONE)), context);
      AtomicInteger probes = new AtomicInteger();
      context.resolver = query -> plugin.handle(Queries.chain(internal(query), "forward", r -> {
        probes.incrementAndGet();
        return Responses.completedError(r, Rcode.NXDOMAIN);
      }));
      plugin.start();
      awaitTrue(() -> probes.get() > 0);
      assertFalse(plugin.loopDetected());
      assertEquals(List.of(), context.readiness().notReady());
      Message answer = plugin.handle(Queries.chain(Queries.request("www.example.org.", Type.A), "forward",
          r -> Responses.completedError(r, Rcode.NOERROR))).toCompletableFuture().get();
      assertEquals(Rcode.NOERROR, answer.getRcode());
      plugin.stop();
    }
  }

  @Test
  void takesNoArguments() {
    try (FakeContext context = new FakeContext()) {
      assertThrows(ConfigException.class, () -> new LoopFactory().create(ScriptedConfig.of("loop now"), context));
    }
  }
}
