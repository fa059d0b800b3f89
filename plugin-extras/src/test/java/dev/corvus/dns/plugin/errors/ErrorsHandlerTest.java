package dev.corvus.dns.plugin.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.debug.DebugFactory;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class ErrorsHandlerTest {

  private final PluginTestKit kit = new PluginTestKit();

  record Line(Level level, String text, Throwable stackTrace) {}

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  /** Released by the second line logged. */
  private final CountDownLatch secondLine = new CountDownLatch(2);
  private final PluginContext context = kit.context();

  @AfterEach
  void close() {
    kit.close();
  }

  private Plugin plugin(String corefile) throws ConfigException {
    return new ErrorsPlugin(ErrorsFactory.parse(kit.config(corefile)), context,
        (level, text, stackTrace) -> {
          lines.add(new Line(level, text, stackTrace));
          secondLine.countDown();
        });
  }

  private static Throwable fail(Handler handler, String name, RuntimeException failure) {
    Request request = Queries.request(name, Type.A);
    CompletableFuture<?> stage = handler.handle(PluginTestKit.chain(request, "test",
        r -> CompletableFuture.failedFuture(failure))).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, stage::get);
    return e.getCause();
  }

  @Test
  void logsFailureAsCorednsAndPassesItOn() throws Exception {
    Plugin plugin = plugin("errors");
    plugin.start();
    IllegalStateException boom = new IllegalStateException("read udp 127.0.0.1:53: i/o timeout");
    assertSame(boom, fail(plugin.handler().orElseThrow(), "Example.ORG.", boom));
    assertEquals(List.of(new Line(Level.ERROR, "2 example.org. A: read udp 127.0.0.1:53: i/o timeout", null)), lines);
  }

  @Test
  void dnsExceptionLogsItsRcode() throws Exception {
    Plugin plugin = plugin("errors stdout");
    fail(plugin.handler().orElseThrow(), "x.", new DnsException(Rcode.REFUSED, "not here"));
    assertEquals("5 x. A: not here", lines.get(0).text());
    fail(plugin.handler().orElseThrow(), "y.", DnsException.drop("acl"));
    assertEquals(1, lines.size());
  }

  @Test
  void consolidatesMatchingErrorsIntoOneLinePerPeriod() throws Exception {
    Plugin plugin = plugin("errors {\n consolidate 200ms \"i/o timeout$\" warning\n}");
    Handler handler = plugin.handler().orElseThrow();
    for (int i = 0; i < 3; i++) {
      fail(handler, "a.", new IllegalStateException("read udp: i/o timeout"));
    }
    fail(handler, "b.", new IllegalStateException("other failure"));
    assertEquals(1, lines.size());
    assertEquals("2 b. A: other failure", lines.get(0).text());
    assertTrue(secondLine.await(5, TimeUnit.SECONDS), "the summary is logged when the period ends");
    assertEquals(new Line(Level.WARN, "3 errors like 'i/o timeout$' occurred in last 200ms", null), lines.get(1));
  }

  @Test
  void showFirstLogsTheFirstAtTheRuleLevel() throws Exception {
    Plugin plugin = plugin("errors {\n consolidate 30s timeout info show_first\n}");
    fail(plugin.handler().orElseThrow(), "a.", new IllegalStateException("timeout"));
    fail(plugin.handler().orElseThrow(), "a.", new IllegalStateException("timeout"));
    assertEquals(List.of(new Line(Level.INFO, "2 a. A: timeout", null)), lines);
    plugin.stop(); // flushes the pending summary
    assertEquals("2 errors like 'timeout' occurred in last 30s", lines.get(1).text());
  }

  @Test
  void debugInTheSameBlockAddsStackTraces() throws Exception {
    new DebugFactory().create(kit.config("debug"), context);
    Plugin plugin = plugin("errors");
    plugin.start();
    IllegalStateException boom = new IllegalStateException("boom");
    fail(plugin.handler().orElseThrow(), "a.", boom);
    assertSame(boom, lines.get(0).stackTrace());
  }

  @Test
  void stacktraceOptionAddsStackTraces() throws Exception {
    Plugin plugin = plugin("errors {\n stacktrace\n}");
    fail(plugin.handler().orElseThrow(), "a.", new IllegalStateException("boom"));
    assertNotNull(lines.get(0).stackTrace());
  }

  @Test
  void synchronousThrowIsLoggedAndRethrown() throws Exception {
    Plugin plugin = plugin("errors");
    Request request = Queries.request("a.", Type.A);
    RuntimeException boom = new IllegalArgumentException("sync");
    assertThrows(IllegalArgumentException.class, () -> plugin.handler().orElseThrow().handle(
        PluginTestKit.chain(request, "t", next -> { throw boom; })));
    assertNull(lines.get(0).stackTrace());
    assertTrue(lines.get(0).text().endsWith(": sync"));
  }

  @Test
  void parsingFollowsCoredns() throws Exception {
    ErrorsConfig config = ErrorsFactory.parse(kit.config(
        "errors {\n consolidate 5m \".* i/o timeout$\" warning\n consolidate 30s \"^Failed to .+\"\n}"));
    assertEquals(2, config.consolidations().size());
    assertEquals(Duration.ofMinutes(5), config.consolidations().get(0).period());
    assertEquals(Level.ERROR, config.consolidations().get(1).level());
    for (String bad : List.of("errors file.log", "errors {\n consolidate 5m\n}",
        "errors {\n consolidate 5m x show_first warning\n}", "errors {\n consolidate 5m x info error\n}",
        "errors {\n consolidate 5m ( \n}", "errors {\n consolidate 5m x loud\n}", "errors {\n trace\n}")) {
      assertThrows(ConfigException.class, () -> ErrorsFactory.parse(kit.config(bad)), bad);
    }
  }

  @Test
  void goDurationFormat() {
    assertEquals("5m0s", GoDurations.format(Duration.ofMinutes(5)));
    assertEquals("1h30m0s", GoDurations.format(Duration.ofMinutes(90)));
    assertEquals("1.5s", GoDurations.format(Duration.ofMillis(1500)));
    assertEquals("250ms", GoDurations.format(Duration.ofMillis(250)));
  }
}
