package dev.corvus.dns.plugin.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class LoopPluginTest {

  private static final Name ZONE = Name.fromConstantString("example.org.");

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  private static Request internal(Message query) {
    return Queries.request(query, new InetSocketAddress("127.0.0.1", 0), Transport.INTERNAL);
  }

  /**
   * Waits until the probe start() handed to the kit's I/O loop has run: the kit has one loop, and
   * the resolvers here answer synchronously, so a task queued behind the probe runs after it.
   */
  private void awaitProbe() throws Exception {
    CompletableFuture.runAsync(() -> {}, kit.ioLoops().next()).get(5, TimeUnit.SECONDS);
  }

  @Test
  void probeThatComesBackIsALoop() throws Exception {
    PluginContext context = kit.context();
    LoopPlugin plugin = (LoopPlugin) new LoopFactory().create(kit.config(ZONE.toString(), "loop"), context);
    AtomicInteger forwarded = new AtomicInteger();
    // "forward" after loop sends everything back through the server: a loop.
    kit.resolver(query -> plugin.handle(PluginTestKit.chain(internal(query), "forward", next -> {
      forwarded.incrementAndGet();
      return context.resolver().resolve(next.request().message());
    })));
    plugin.start();
    awaitProbe();

    assertTrue(plugin.loopDetected());
    assertEquals(2, forwarded.get(), "the third sighting is answered, not forwarded");
    assertEquals(List.of("loop"), context.readiness().notReady());
    assertTrue(plugin.probeName().subdomain(ZONE));
    assertEquals(4, plugin.probeName().labels() - ZONE.labels() + 2);

    Request later = Queries.request("www.example.org.", Type.A);
    Message answer = plugin.handle(PluginTestKit.chain(later, "forward", next -> {
      throw new AssertionError("no forwarding after a loop was detected");
    })).toCompletableFuture().get();
    assertEquals(Rcode.SERVFAIL, answer.getRcode());
    plugin.stop();
  }

  @Test
  void probeAnsweredByUpstreamIsNoLoop() throws Exception {
    PluginContext context = kit.context();
    LoopPlugin plugin = (LoopPlugin) new LoopFactory().create(kit.config(ZONE.toString(), "loop"), context);
    AtomicInteger probes = new AtomicInteger();
    kit.resolver(query -> plugin.handle(PluginTestKit.chain(internal(query), "forward", next -> {
      probes.incrementAndGet();
      return Responses.completedError(next.request(), Rcode.NXDOMAIN);
    })));
    plugin.start();
    awaitProbe();
    assertEquals(1, probes.get());
    assertFalse(plugin.loopDetected());
    assertEquals(List.of(), context.readiness().notReady());
    Message answer = plugin.handle(PluginTestKit.chain(Queries.request("www.example.org.", Type.A), "forward",
        next -> Responses.completedError(next.request(), Rcode.NOERROR))).toCompletableFuture().get();
    assertEquals(Rcode.NOERROR, answer.getRcode());
    plugin.stop();
  }

  @Test
  void takesNoArguments() {
    PluginContext context = kit.context();
    assertThrows(ConfigException.class, () -> new LoopFactory().create(kit.config("loop now"), context));
  }
}
