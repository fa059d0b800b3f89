package dev.corvus.dns.plugin.cache;

import static dev.corvus.dns.plugin.cache.HandlerHarness.address;
import static dev.corvus.dns.plugin.cache.HandlerHarness.ttl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.ManualClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cache in a real server, queried over UDP and TCP on loopback, with a {@link
 * ScriptedUpstream} behind it and the server's clock under the test's control.
 */
class CacheServerTest {

  private static final String NAME = "www.example.org.";

  private final ManualClock clock = new ManualClock();
  private final ScriptedUpstream upstream = new ScriptedUpstream();
  private Corvus server;
  private DnsClient client;

  private void start(String cacheDirective) throws Exception {
    server = Corvus.builder().corefile(corefile(cacheDirective)).dnsPort(0).clock(clock).ticker(clock)
        .plugin(new TestUpstreamFactory(upstream)).start();
    client = new DnsClient(server.udpAddress());
  }

  private static String corefile(String cacheDirective) {
    return ".:0 {\n" + cacheDirective + "\ntestupstream\n}\n";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void missThenHitOverUdpAndTcp() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));

    Message miss = client.udp(NAME, Type.A);
    Message udpHit = client.udp(NAME, Type.A);
    Message tcpHit = new DnsClient(server.tcpAddress()).tcp(NAME, Type.A);

    assertEquals(1, upstream.calls());
    assertEquals("10.0.0.1", address(miss));
    assertEquals("10.0.0.1", address(udpHit));
    assertEquals("10.0.0.1", address(tcpHit));
  }

  @Test
  void ttlCountsDownIsCappedAndExpires() throws Exception {
    start("cache 120");
    upstream.answer(NAME, Type.A, Answers.counting(600));

    assertEquals(120, ttl(client.udp(NAME, Type.A)));
    clock.advance(java.time.Duration.ofSeconds(70));
    assertEquals(50, ttl(client.udp(NAME, Type.A)));
    clock.advance(java.time.Duration.ofSeconds(50));
    Message refetched = client.udp(NAME, Type.A);
    assertEquals("10.0.0.2", address(refetched));
    assertEquals(2, upstream.calls());
  }

  @Test
  void minTtlKeepsShortAnswersCached() throws Exception {
    start("cache {\n success 1024 3600 60\n}");
    upstream.answer(NAME, Type.A, Answers.counting(3));

    assertEquals(60, ttl(client.udp(NAME, Type.A)));
    clock.advance(java.time.Duration.ofSeconds(30));
    assertEquals(30, ttl(client.udp(NAME, Type.A)));
    assertEquals(1, upstream.calls());
  }

  @Test
  void negativeAnswersAreCachedForTheSoaMinimum() throws Exception {
    start("cache");
    upstream.answer("gone.example.org.", Type.A, Answers.nxdomain("example.org.", 3600, 30));

    Message first = client.udp("gone.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, first.getRcode());
    assertEquals(30, ttl(first));
    clock.advance(java.time.Duration.ofSeconds(29));
    assertEquals(Rcode.NXDOMAIN, client.udp("gone.example.org.", Type.A).getRcode());
    assertEquals(1, upstream.calls());
    clock.advance(java.time.Duration.ofSeconds(1));
    client.udp("gone.example.org.", Type.A);
    assertEquals(2, upstream.calls());
  }

  @Test
  void dnssecOkQueriesHaveTheirOwnEntries() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));

    client.udp(NAME, Type.A);
    Message withDo = DnsClient.newQuery(NAME, Type.A);
    withDo.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    assertEquals("10.0.0.2", address(client.udp(withDo)));
    assertEquals("10.0.0.1", address(client.udp(NAME, Type.A)));
    assertEquals(2, upstream.calls());
  }

  @Test
  void mixedCaseQueryHitsAndGetsItsOwnCaseBack() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));

    client.udp(NAME, Type.A);
    Message query = DnsClient.newQuery("wWw.EXAMPLE.org.", Type.A);
    Message reply = client.udp(query);

    assertEquals(1, upstream.calls());
    assertEquals("wWw.EXAMPLE.org.", reply.getQuestion().getName().toString());
    assertEquals(query.getHeader().getID(), reply.getHeader().getID());
  }

  @Test
  void prefetchFiresOnceUnderConcurrentLoad() throws Exception {
    start("cache {\n prefetch 1 1m 10%\n}");
    upstream.answer(NAME, Type.A, Answers.counting(100));
    client.udp(NAME, Type.A);
    clock.advance(java.time.Duration.ofSeconds(95));
    CompletableFuture<Void> held = upstream.hold();

    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        results.add(pool.submit(() -> {
          go.await();
          List<String> addresses = new ArrayList<>();
          for (int q = 0; q < 20; q++) {
            addresses.add(address(client.udp(NAME, Type.A)));
          }
          return addresses;
        }));
      }
      go.countDown();
      for (Future<List<String>> result : results) {
        assertEquals(List.of("10.0.0.1"), result.get(20, TimeUnit.SECONDS).stream().distinct().toList(),
            "clients are answered from the cache while the prefetch is held");
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, upstream.calls(), "one fill and one prefetch");
    held.complete(null);
    assertEquals("10.0.0.2", awaitAddress("10.0.0.2"), "the prefetched answer replaces the old one");
    assertEquals(2, upstream.calls());
    assertEquals(1, scrape("coredns_cache_prefetch_total", Map.of()));
  }

  @Test
  void serveStaleImmediateWithUpstreamDown() throws Exception {
    start("cache {\n serve_stale 1h immediate\n}");
    upstream.answer(NAME, Type.A, Answers.counting(30));
    client.udp(NAME, Type.A);
    clock.advance(java.time.Duration.ofMinutes(5));
    upstream.down(true);

    Message stale = client.udp(NAME, Type.A);
    assertEquals(Rcode.NOERROR, stale.getRcode());
    assertEquals("10.0.0.1", address(stale));
    assertEquals(0, ttl(stale));
    assertEquals(1, scrape("coredns_cache_served_stale_total", Map.of()));
  }

  @Test
  void serveStaleVerifyWithUpstreamDownAndBack() throws Exception {
    start("cache {\n serve_stale 1h verify\n}");
    upstream.answer(NAME, Type.A, Answers.counting(30));
    client.udp(NAME, Type.A);
    clock.advance(java.time.Duration.ofMinutes(5));
    upstream.down(true);

    assertEquals("10.0.0.1", address(client.udp(NAME, Type.A)));
    upstream.down(false);
    Message verified = client.udp(NAME, Type.A);
    assertEquals("10.0.0.2", address(verified));
    assertEquals(30, ttl(verified));
  }

  @Test
  void disabledZoneIsNotCached() throws Exception {
    start("cache {\n disable success nocache.example.org\n}");
    upstream.answer("a.nocache.example.org.", Type.A, Answers.counting(300));
    upstream.answer(NAME, Type.A, Answers.counting(300));
    for (int i = 0; i < 3; i++) {
      client.udp("a.nocache.example.org.", Type.A);
      client.udp(NAME, Type.A);
    }
    assertEquals(3, upstream.calls("a.nocache.example.org.", Type.A));
    assertEquals(1, upstream.calls(NAME, Type.A));
  }

  @Test
  void capacityEvictsOldEntries() throws Exception {
    start("cache {\n success 4\n}");
    for (int i = 0; i < 10; i++) {
      String name = "n" + i + ".example.org.";
      upstream.answer(name, Type.A, Answers.counting(300));
      client.udp(name, Type.A);
    }
    assertEquals(6, scrape("coredns_cache_evictions_total", Map.of("type", "success")));
    assertEquals(4, scrape("coredns_cache_entries", Map.of("type", "success")));
  }

  @Test
  void metricsAfterAScriptedSequence() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));
    upstream.answer("gone.example.org.", Type.A, Answers.nxdomain("example.org.", 300, 300));

    client.udp(NAME, Type.A); // miss
    client.udp(NAME, Type.A); // success hit
    client.udp("WWW.example.org.", Type.A); // success hit
    client.udp("gone.example.org.", Type.A); // miss
    client.udp("gone.example.org.", Type.A); // denial hit

    assertEquals(5, scrape("coredns_cache_requests_total", Map.of("zones", ".", "view", "")));
    assertEquals(2, scrape("coredns_cache_misses_total", Map.of()));
    assertEquals(2, scrape("coredns_cache_hits_total", Map.of("type", "success")));
    assertEquals(1, scrape("coredns_cache_hits_total", Map.of("type", "denial")));
    assertEquals(1, scrape("coredns_cache_entries", Map.of("type", "success")));
    assertEquals(1, scrape("coredns_cache_entries", Map.of("type", "denial")));
    assertEquals(0, scrape("coredns_cache_served_stale_total", Map.of()));
  }

  @Test
  void aReloadThatFailsValidationLeavesTheEntriesAsTheyWere() throws Exception {
    start("cache");
    for (int i = 0; i < 3; i++) {
      String name = "n" + i + ".example.org.";
      upstream.answer(name, Type.A, Answers.counting(300));
      client.udp(name, Type.A);
    }
    upstream.answer("gone.example.org.", Type.A, Answers.nxdomain("example.org.", 300, 300));
    client.udp("gone.example.org.", Type.A);
    assertEquals(3, scrape("coredns_cache_entries", Map.of("type", "success")));

    // The new cache is created (and registers its entries gauge) before testupstream fails.
    ConfigException rejected = assertThrows(ConfigException.class,
        () -> server.reload(".:0 {\n cache\n testupstream unexpected\n}\n"));
    assertTrue(rejected.getMessage().contains("testupstream"), rejected.getMessage());

    assertEquals(3, scrape("coredns_cache_entries", Map.of("type", "success")), "the served cache's entries");
    assertEquals(1, scrape("coredns_cache_entries", Map.of("type", "denial")));
    client.udp("n0.example.org.", Type.A);
    assertEquals(4, upstream.calls(), "the served cache still answers");
  }

  @Test
  void aReloadThatServesReportsTheNewCachesEntries() throws Exception {
    start("cache");
    upstream.answer(NAME, Type.A, Answers.counting(300));
    client.udp(NAME, Type.A);
    assertEquals(1, scrape("coredns_cache_entries", Map.of("type", "success")));

    server.reload(corefile("cache {\n success 100\n}"));

    assertEquals(0, scrape("coredns_cache_entries", Map.of("type", "success")), "a new configuration starts empty");
  }

  /**
   * Queries {@link #NAME} until it resolves to {@code expected} or five seconds passed (the
   * background refresh may complete on another thread); returns the last address seen.
   */
  private String awaitAddress(String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String seen = address(client.udp(NAME, Type.A));
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      seen = address(client.udp(NAME, Type.A));
    }
    return seen;
  }

  private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)}\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** The value of the one sample of {@code name} whose labels include {@code labels}; 0 if none. */
  private double scrape(String name, Map<String, String> labels) {
    double value = 0;
    int matches = 0;
    for (String line : server.scrapeMetrics().split("\n")) {
      Matcher sample = SAMPLE.matcher(line.trim());
      if (!sample.matches() || !sample.group(1).equals(name)) {
        continue;
      }
      Map<String, String> actual = new HashMap<>();
      Matcher label = LABEL.matcher(sample.group(2));
      while (label.find()) {
        actual.put(label.group(1), label.group(2));
      }
      if (actual.entrySet().containsAll(labels.entrySet())) {
        value = Double.parseDouble(sample.group(3));
        matches++;
      }
    }
    assertTrue(matches <= 1, "several samples of " + name + " match " + labels);
    return value;
  }
}
