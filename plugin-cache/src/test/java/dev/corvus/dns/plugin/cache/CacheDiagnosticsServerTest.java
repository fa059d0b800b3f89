package dev.corvus.dns.plugin.cache;

import static dev.corvus.dns.plugin.cache.HandlerHarness.address;
import static dev.corvus.dns.plugin.cache.HandlerHarness.ttl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code corvus explain} and the {@code cache} inspector against a real server: explanations
 * leave the cache and its metrics untouched, the inspector shows what real queries cached, and
 * flushes remove exactly the matching entries.
 */
class CacheDiagnosticsServerTest {

  private static final String NAME = "www.example.org.";

  private final ManualClock clock = new ManualClock();
  private final ScriptedUpstream upstream = new ScriptedUpstream();
  private Corvus server;
  private DnsClient client;

  private void start(String cacheDirective) throws Exception {
    String corefile = ".:0 {\n" + cacheDirective + "\ntestupstream\n}\n";
    server = Corvus.builder().corefile(corefile).dnsPort(0).clock(clock).ticker(clock)
        .plugin(new TestUpstreamFactory(upstream)).start();
    client = new DnsClient(server.udpAddress());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void explainedMissLeavesCacheAndMetricsUntouched() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));
    List<String> metricsBefore = cacheMetrics();
    Object overviewBefore = inspector().inspect(Map.of());

    Explanation explanation = explain(NAME, Type.A);

    assertEquals(List.of("miss: passed on; the answer would be cached for 300 s (success)"), cacheNotes(explanation));
    assertEquals("10.0.0.1", address(explanation.response()));
    assertEquals(300, ttl(explanation.response()));
    assertEquals(metricsBefore, cacheMetrics());
    assertEquals(overviewBefore, inspector().inspect(Map.of()));
    assertEquals(List.of(), entries(Map.of("name", NAME)));

    Message real = client.udp(NAME, Type.A);
    assertEquals("10.0.0.2", address(real), "the explanation cached nothing, so a real query misses");
    assertEquals(2, upstream.calls());
    assertEquals(1, metric("coredns_cache_misses_total", Map.of()));
  }

  @Test
  void explainedHitReportsRemainingTtlAndAnswersFromCache() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));
    client.udp(NAME, Type.A);
    clock.advance(Duration.ofSeconds(7));
    List<String> metricsBefore = cacheMetrics();

    Explanation explanation = explain(NAME, Type.A);

    assertEquals(List.of("hit (success cache), remaining ttl 293 s of 300 s"), cacheNotes(explanation));
    assertEquals("10.0.0.1", address(explanation.response()));
    assertEquals(293, ttl(explanation.response()));
    assertEquals(1, upstream.calls());
    assertEquals(metricsBefore, cacheMetrics(), "an explained hit counts no request and no hit");
  }

  @Test
  void explainedDenialHitNamesTheRcode() throws Exception {
    start("cache");
    upstream.answer("gone.example.org.", Type.A, Answers.nxdomain("example.org.", 3600, 30));
    client.udp("gone.example.org.", Type.A);
    clock.advance(Duration.ofSeconds(10));

    Explanation explanation = explain("gone.example.org.", Type.A);

    assertEquals(List.of("hit (denial cache, NXDOMAIN), remaining ttl 20 s of 30 s"), cacheNotes(explanation));
    assertEquals(Rcode.NXDOMAIN, explanation.response().getRcode());
    assertEquals(20, ttl(explanation.response()));
  }

  @Test
  void explainedStaleEntryIsServedStaleWithoutRefresh() throws Exception {
    start("cache {\n serve_stale 1h immediate\n}");
    upstream.answer(NAME, Type.A, Answers.counting(30));
    client.udp(NAME, Type.A);
    clock.advance(Duration.ofSeconds(34));
    List<String> metricsBefore = cacheMetrics();

    Explanation explanation = explain(NAME, Type.A);

    assertEquals(
        List.of("stale by 4 s (success cache), serve_stale immediate: would answer stale and refresh in background"
            + " (not done: explanation)"),
        cacheNotes(explanation));
    assertEquals("10.0.0.1", address(explanation.response()));
    assertEquals(0, ttl(explanation.response()));
    assertEquals(1, upstream.calls(), "no background refresh");
    assertEquals(metricsBefore, cacheMetrics(), "no served_stale or prefetch count");

    assertEquals("10.0.0.1", address(client.udp(NAME, Type.A)), "a real query is served stale");
    assertTrue(Poll.until(Duration.ofSeconds(5), () -> upstream.calls() == 2), "and refreshes in the background");
  }

  @Test
  void inspectorShowsEntriesOfAName() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.a(300, "192.0.2.7"));
    upstream.answer(NAME, Type.AAAA, Answers.nodata("example.org.", 3600, 60));
    client.udp(NAME, Type.A);
    client.udp(NAME, Type.AAAA);
    clock.advance(Duration.ofSeconds(12));

    List<Map<String, Object>> all = entries(Map.of("name", "WWW.example.org"));
    assertEquals(2, all.size());
    Map<String, Object> a = entries(Map.of("name", NAME, "type", "a")).get(0);
    assertEquals("success", a.get("cache"));
    assertEquals("A", a.get("type"));
    assertEquals("NO_ERROR", a.get("kind"));
    assertEquals("NOERROR", a.get("rcode"));
    assertEquals(288L, a.get("remainingTtlSeconds"));
    assertEquals(300L, a.get("originalTtlSeconds"));
    assertEquals(false, a.get("stale"));
    assertEquals(false, a.get("dnssecOk"));
    ARecord served = new ARecord(Name.fromString(NAME), DClass.IN, 288, InetAddress.getByName("192.0.2.7"));
    assertEquals(List.of(served.toString()), a.get("answer"));
    Map<String, Object> aaaa = entries(Map.of("name", NAME, "type", "AAAA")).get(0);
    assertEquals("denial", aaaa.get("cache"));
    assertEquals("NO_DATA", aaaa.get("kind"));
    assertEquals(48L, aaaa.get("remainingTtlSeconds"));
    assertEquals(1, ((List<?>) aaaa.get("authority")).size());
    assertTrue(all.containsAll(List.of(a, aaaa)));

    Map<?, ?> overview = (Map<?, ?>) inspector().inspect(Map.of());
    assertEquals(List.of("."), overview.get("zones"));
    assertEquals(1L, ((Map<?, ?>) overview.get("success")).get("entries"));
    assertEquals(1L, ((Map<?, ?>) overview.get("denial")).get("entries"));
    assertEquals(9984, ((Map<?, ?>) overview.get("success")).get("capacity"));
  }

  @Test
  void flushByNameAndByZoneRemovesExactlyTheMatchingEntries() throws Exception {
    start("cache");
    List<String> names = List.of(NAME, "a.sub.example.org.", "example.org.", "www.example.net.");
    for (String name : names) {
      upstream.answer(name, Type.A, Answers.counting(300));
      client.udp(name, Type.A);
    }
    upstream.answer(NAME, Type.AAAA, Answers.nodata("example.org.", 3600, 60));
    client.udp(NAME, Type.AAAA);
    assertEquals(4, metric("coredns_cache_entries", Map.of("type", "success")));

    assertEquals(Map.of("flushed", 2), inspector().act("flush", Map.of("name", "WWW.EXAMPLE.ORG")));
    assertEquals(List.of(), entries(Map.of("name", NAME)));
    assertEquals(3, metric("coredns_cache_entries", Map.of("type", "success")));
    assertEquals(0, metric("coredns_cache_entries", Map.of("type", "denial")));

    assertEquals(Map.of("flushed", 2), inspector().act("flush", Map.of("zone", "example.org")));
    assertEquals(1, metric("coredns_cache_entries", Map.of("type", "success")));
    assertEquals(0, metric("coredns_cache_evictions_total", Map.of()), "flushing is not evicting");

    int before = upstream.calls();
    for (String name : names) {
      client.udp(name, Type.A);
    }
    assertEquals(before + 3, upstream.calls(), "the flushed names miss, www.example.net. still hits");
    assertEquals(1, upstream.calls("www.example.net.", Type.A));
  }

  private Explanation explain(String name, int type) throws Exception {
    return server.explain(name, type, Queries.CLIENT);
  }

  private static List<String> cacheNotes(Explanation explanation) {
    return explanation.steps().stream().filter(step -> step.directive().equals("cache")).findFirst()
        .orElseThrow(() -> new AssertionError("no cache step in " + explanation)).notes();
  }

  private Inspector inspector() {
    List<Inspector> caches =
        server.control().inspectors().stream().filter(i -> i.topic().equals(CacheInspector.TOPIC)).toList();
    assertEquals(1, caches.size());
    return caches.get(0);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> entries(Map<String, String> parameters) {
    Map<String, Object> result = (Map<String, Object>) inspector().inspect(parameters);
    return (List<Map<String, Object>>) result.get("entries");
  }

  /** Every coredns_cache_* sample line of a scrape. */
  private List<String> cacheMetrics() {
    List<String> lines = Arrays.stream(server.scrapeMetrics().split("\n"))
        .filter(line -> line.startsWith("coredns_cache_")).sorted().toList();
    assertFalse(lines.isEmpty());
    return lines;
  }

  private double metric(String name, Map<String, String> labels) {
    return MetricsText.parse(server.scrapeMetrics()).sum(name, labels);
  }
}
