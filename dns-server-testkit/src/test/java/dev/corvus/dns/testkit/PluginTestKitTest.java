package dev.corvus.dns.testkit;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.capability.ServerControl;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class PluginTestKitTest {

  /** {@code fixed NAME ADDRESS TTL}: answers NAME's A query with ADDRESS, NXDOMAIN for other names. */
  private static final class Fixed implements PluginFactory {
    @Override
    public String directive() {
      return "fixed";
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
      Name name = config.nextZone("NAME");
      java.net.InetAddress address = config.nextAddress("ADDRESS", 0).getAddress();
      int ttl = config.nextInt("TTL", 0, 86400);
      return Plugin.of(chain -> {
        var request = chain.request();
        if (!request.qname().equals(name)) {
          return Responses.completedError(request, Rcode.NXDOMAIN);
        }
        return Responses.completed(Responses.answer(request, new ARecord(name, DClass.IN, ttl, address)));
      });
    }
  }

  @Test
  void createsAPluginFromCorefileTextAndRunsItsHandler() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      Plugin plugin = kit.create(new Fixed(), "example.:53", "fixed a.example. 192.0.2.7 60");
      Message answer = kit.handle(plugin, kit.request("a.example.", Type.A), PluginTestKit.nxdomain());
      assertEquals("192.0.2.7", answer.getSection(Section.ANSWER).get(0).rdataToString());
      Message miss = kit.handle(plugin, kit.request("b.example.", Type.A), PluginTestKit.nxdomain());
      assertEquals(Rcode.NXDOMAIN, miss.getRcode());
    }
  }

  @Test
  void reportsConfigurationErrorsWithTheirLine() {
    try (PluginTestKit kit = new PluginTestKit()) {
      ConfigException error = assertThrows(ConfigException.class,
          () -> kit.create(new Fixed(), ".:53", "fixed a.example. 192.0.2.7 lots"));
      assertTrue(error.getMessage().startsWith("<test>:2: fixed: "), error.getMessage());
    }
  }

  @Test
  void configReaderKeepsWarningsAndFinishRejectsWhatWasLeftUnread() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      DirectiveConfig config = kit.config("example.org:53", "mine one {\n deprecated\n}");
      assertEquals("mine", config.directive());
      assertEquals("example.org.", config.serverZones().get(0).toString());
      assertEquals("one", config.nextArg("word"));
      assertTrue(config.nextOption());
      config.warn("deprecated has no effect");
      assertEquals(List.of("<test>:3: deprecated has no effect"), config.warnings());
      config.finish();

      DirectiveConfig unread = kit.config("mine one two");
      unread.nextArg("word");
      ConfigException error = assertThrows(ConfigException.class, unread::finish);
      assertTrue(error.getMessage().startsWith("<test>:2: mine: "), error.getMessage());
    }
  }

  @Test
  void relativePathsResolveAgainstTheBaseDirectory() throws Exception {
    Path base = Path.of("/tmp/corefiles");
    try (PluginTestKit kit = new PluginTestKit().baseDirectory(base)) {
      assertEquals(base.resolve("db.example"), kit.config("mine db.example").nextPath("file"));
    }
  }

  @Test
  void explainThroughTheContextAnswersWithTheKitsResolverAndNoSteps() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      kit.resolver(query -> CompletableFuture.completedFuture(
          Responses.error(Queries.request(query, Queries.CLIENT, dev.corvus.dns.api.Transport.UDP), Rcode.NXDOMAIN)));
      var explanation = kit.context().capability(ServerControl.class)
          .explain(Queries.query("nothere.example.", Type.A), Queries.CLIENT)
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(Rcode.NXDOMAIN, explanation.response().getRcode());
      assertTrue(explanation.steps().isEmpty());
    }
  }

  @Test
  void httpRoutesAreRecordedUntilTheirEndpointCloses() {
    try (PluginTestKit kit = new PluginTestKit()) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", 8080);
      HttpEndpoints.Route route = request -> HttpEndpoints.HttpResponse.text(200, "OK");
      HttpEndpoints.Endpoint endpoint = kit.context().http().serve(address, "/health", route);
      assertEquals(address, endpoint.boundAddress());
      assertSame(route, kit.route(address, "/health"));
      assertNull(kit.route(address, "/ready"));
      endpoint.close();
      assertNull(kit.route(address, "/health"));
    }
  }

  @Test
  void resolverAndReloadDoWhatTheTestSetsAndFailOtherwise() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      PluginContext context = kit.context();
      Message query = Queries.query("a.example.", Type.A);
      assertThrows(ExecutionException.class,
          () -> context.resolver().resolve(query).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertThrows(ExecutionException.class,
          () -> context.capability(ServerControl.class).reload().toCompletableFuture().get(5, TimeUnit.SECONDS));

      Message answer = Responses.error(Queries.request(query), Rcode.NXDOMAIN);
      kit.resolver(q -> CompletableFuture.completedFuture(answer));
      kit.reload(() -> CompletableFuture.completedFuture(null));
      ServerControl.ConfigSource source = new ServerControl.ConfigSource(List.of(Path.of("Corefile")), "abc");
      kit.configSource(source);
      assertSame(answer, context.resolver().resolve(query).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertNull(context.capability(ServerControl.class).reload().toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertEquals(source, context.capability(ServerControl.class).configSource());
    }
  }

  @Test
  void readinessNamesWaitingProvidersAndShutdown() {
    try (PluginTestKit kit = new PluginTestKit()) {
      PluginContext context = kit.context();
      context.readiness().register(new dev.corvus.dns.api.plugin.ReadinessProvider() {
        @Override
        public String name() {
          return "slow";
        }

        @Override
        public boolean isReady() {
          return false;
        }
      });
      assertEquals(List.of("slow"), context.readiness().notReady());
      kit.shuttingDown(true);
      assertEquals(List.of("slow", "shutdown"), context.readiness().notReady());
    }
  }

  @Test
  void metricsAreReadByValueAndByScrape() {
    try (PluginTestKit kit = new PluginTestKit()) {
      PluginContext context = kit.context();
      context.metrics().counter("corvus_test_hits_total", "Hits.", "server").labels("dns://:53").inc();
      context.metrics().histogram("corvus_test_seconds", "Durations.", java.util.List.of(0.1, 1.0), "server")
          .labels("dns://:53").observe(0.5);
      assertEquals(1, kit.metricValue("corvus_test_hits_total", "dns://:53"));
      MetricsText text = kit.scrape();
      assertEquals(1, text.sum("corvus_test_seconds_count"));
      assertEquals(1, text.sum("corvus_test_seconds_bucket", java.util.Map.of("le", "1.0")));
      assertEquals("histogram", text.type("corvus_test_seconds"));
    }
  }

  @Test
  void chainEndsAfterTheHandlerOfTheTestsChoice() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      var request = kit.request("a.example.", Type.A);
      var chain = PluginTestKit.chain(request, next -> {
        assertFalse(next.hasNext());
        return Responses.completedError(next.request(), Rcode.REFUSED);
      });
      assertTrue(chain.hasNext());
      assertEquals(Rcode.REFUSED, chain.proceed(request).toCompletableFuture().get().getRcode());
    }
  }

  @Test
  void chainRecordsWhichDirectiveAnsweredAndWrittenTellsListeners() throws Exception {
    var request = Queries.request("a.example.", Type.A);
    java.util.List<Integer> written = new java.util.ArrayList<>();
    request.context().onWritten((response, size) -> written.add(size));
    Message answer = PluginTestKit.chain(request, "whoami", PluginTestKit.nxdomain())
        .proceed(request).toCompletableFuture().get();
    assertEquals("whoami", request.context().respondedBy());
    PluginTestKit.written(request, answer);
    assertEquals(java.util.List.of(answer.toWire().length), written);
  }
}
