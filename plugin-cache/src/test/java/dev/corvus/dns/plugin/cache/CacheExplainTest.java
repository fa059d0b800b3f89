package dev.corvus.dns.plugin.cache;

import static dev.corvus.dns.plugin.cache.HandlerHarness.address;
import static dev.corvus.dns.plugin.cache.HandlerHarness.ttl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.PluginTestKit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The cache handler's explanations and its inspector, driven with the plugin test kit. */
class CacheExplainTest {

  private static final String NAME = "www.example.org.";

  private final ManualClock clock = new ManualClock();
  private final PluginTestKit kit = new PluginTestKit(clock);
  private final ScriptedUpstream upstream = new ScriptedUpstream();

  @AfterEach
  void close() {
    kit.close();
  }

  static Stream<Arguments> misses() {
    Function<Request, Message> truncated = request -> {
      Message response = Answers.a(300, "192.0.2.1").apply(request);
      response.getHeader().setFlag(Flags.TC);
      return response;
    };
    String notCached = "miss: passed on; the answer would not be cached: ";
    return Stream.of(
        Arguments.of("cache", Answers.counting(300), "miss: passed on; the answer would be cached for 300 s (success)"),
        Arguments.of("cache 60", Answers.counting(300), "miss: passed on; the answer would be cached for 60 s (success)"),
        Arguments.of("cache", Answers.nxdomain("example.org.", 3600, 30),
            "miss: passed on; the answer would be cached for 30 s (denial, NXDOMAIN)"),
        Arguments.of("cache", Answers.nodata("example.org.", 3600, 30),
            "miss: passed on; the answer would be cached for 30 s (denial, NODATA)"),
        Arguments.of("cache", Answers.rcode(Rcode.SERVFAIL),
            "miss: passed on; the answer would be cached for 5 s (denial, SERVFAIL)"),
        Arguments.of("cache {\n servfail 0\n}", Answers.rcode(Rcode.SERVFAIL), notCached + "SERVFAIL (servfail 0)"),
        Arguments.of("cache", truncated, notCached + "truncated"),
        Arguments.of("cache", Answers.rcode(Rcode.REFUSED), notCached + "REFUSED"),
        Arguments.of("cache", Answers.rcode(Rcode.NXDOMAIN), notCached + "NXDOMAIN without SOA (RFC 2308 §5)"),
        Arguments.of("cache {\n disable success example.org\n}", Answers.counting(300),
            notCached + "success disabled for zone example.org."),
        Arguments.of("cache {\n disable denial\n}", Answers.nxdomain("example.org.", 3600, 30),
            notCached + "denial disabled for zone ."),
        Arguments.of("cache example.net", Answers.counting(300), "zone not cached: passed on"));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("misses")
  void explainedMissSaysWhatWouldBeCachedAndCachesNothing(
      String directive, Function<Request, Message> answer, String note) throws Exception {
    Plugin cache = kit.create(new CacheFactory(), directive);
    upstream.answer(NAME, Type.A, answer);
    Message real = answer.apply(kit.request(NAME, Type.A));

    PluginTestKit.Explained explained = kit.explain(cache, kit.request(NAME, Type.A), upstream);

    assertEquals(List.of(note), explained.notes());
    assertEquals(real.getRcode(), explained.response().getRcode());
    assertEquals(0, entries("success") + entries("denial"));
    MetricsText metrics = kit.scrape();
    for (String counter : List.of("coredns_cache_requests_total", "coredns_cache_misses_total",
        "coredns_cache_drops_total", "coredns_cache_hits_total")) {
      assertEquals(0, metrics.sum(counter), counter);
    }
  }

  @Test
  void explainedMissAnswersWithTheCappedTtlLikeARealQuery() throws Exception {
    Plugin cache = kit.create(new CacheFactory(), "cache 60");
    upstream.answer(NAME, Type.A, Answers.a(300, "192.0.2.1"));

    Message explained = kit.explain(cache, kit.request(NAME, Type.A), upstream).response();
    Message real = kit.handle(cache, kit.request(NAME, Type.A), upstream);

    assertEquals(60, ttl(explained));
    assertEquals(ttl(real), ttl(explained));
    assertEquals(address(real), address(explained));
  }

  @Test
  void explainedStaleEntryWithVerifyAsksUpstreamButKeepsTheEntry() throws Exception {
    Plugin cache = kit.create(new CacheFactory(), "cache {\n serve_stale 1h verify\n}");
    upstream.answer(NAME, Type.A, Answers.counting(30));
    kit.handle(cache, kit.request(NAME, Type.A), upstream);
    clock.advance(Duration.ofSeconds(40));

    PluginTestKit.Explained explained = kit.explain(cache, kit.request(NAME, Type.A), upstream);

    assertEquals(List.of(
        "stale by 10 s (success cache), serve_stale verify: asking the rest of the chain first",
        "the rest of the chain answered NOERROR: would replace the stale entry;"
            + " the answer would be cached for 30 s (success)"), explained.notes());
    assertEquals("10.0.0.2", address(explained.response()));
    assertEquals(30, ttl(explained.response()));
    Map<?, ?> entry = lookup(NAME).get(0);
    assertEquals(true, entry.get("stale"), "the stale entry is still there");
    assertEquals(10L, entry.get("staleBySeconds"));

    upstream.down(true);
    explained = kit.explain(cache, kit.request(NAME, Type.A), upstream);
    assertEquals("the rest of the chain failed: would answer stale", explained.notes().get(1));
    assertEquals("10.0.0.1", address(explained.response()));
    assertEquals(0, ttl(explained.response()));
    assertEquals(0, kit.scrape().sum("coredns_cache_served_stale_total"));
  }

  @Test
  void explainedHitSaysWhetherPrefetchIsDueWithoutPrefetching() throws Exception {
    Plugin cache = kit.create(new CacheFactory(), "cache {\n prefetch 1 1m 10%\n}");
    upstream.answer(NAME, Type.A, Answers.counting(100));
    kit.handle(cache, kit.request(NAME, Type.A), upstream);
    clock.advance(Duration.ofSeconds(95));

    PluginTestKit.Explained explained = kit.explain(cache, kit.request(NAME, Type.A), upstream);

    assertEquals(List.of("hit (success cache), remaining ttl 5 s of 100 s",
        "prefetch: 1 of 1 queries within 60 s, refresh at ttl <= 10 s: would refresh in background"
            + " (not done: explanation)"), explained.notes());
    assertEquals(1, upstream.calls());
    assertEquals(0, kit.scrape().sum("coredns_cache_prefetch_total"));
    kit.handle(cache, kit.request(NAME, Type.A), upstream);
    assertEquals(2, upstream.calls(), "a real query at the same point prefetches");
  }

  @Test
  void inspectorRejectsBadRequests() throws Exception {
    kit.create(new CacheFactory(), "cache");
    Inspector inspector = kit.inspector(CacheInspector.TOPIC).orElseThrow();

    assertThrows(IllegalArgumentException.class, () -> inspector.act("purge", Map.of("name", NAME)));
    assertThrows(IllegalArgumentException.class, () -> inspector.act("flush", Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> inspector.act("flush", Map.of("name", NAME, "zone", "example.org")));
    assertThrows(IllegalArgumentException.class, () -> inspector.inspect(Map.of("type", "A")));
    assertThrows(IllegalArgumentException.class, () -> inspector.inspect(Map.of("name", NAME, "type", "NOPE")));
    assertThrows(IllegalArgumentException.class, () -> inspector.inspect(Map.of("name", "a..b")));
    assertEquals(Map.of("flushed", 0), inspector.act("flush", Map.of("zone", ".")));
  }

  private long entries(String cache) {
    Map<?, ?> overview = (Map<?, ?>) kit.inspector(CacheInspector.TOPIC).orElseThrow().inspect(Map.of());
    return (Long) ((Map<?, ?>) overview.get(cache)).get("entries");
  }

  private List<Map<?, ?>> lookup(String name) {
    Map<?, ?> result = (Map<?, ?>) kit.inspector(CacheInspector.TOPIC).orElseThrow().inspect(Map.of("name", name));
    return ((List<?>) result.get("entries")).stream().<Map<?, ?>>map(entry -> (Map<?, ?>) entry).toList();
  }
}
