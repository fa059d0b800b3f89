package dev.corvus.dns.plugin.cache;

import static dev.corvus.dns.plugin.cache.HandlerHarness.address;
import static dev.corvus.dns.plugin.cache.HandlerHarness.ttl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import dev.corvus.dns.server.routing.ServerQueryContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The cache handler's behaviour, driven directly with a scripted upstream and a fake clock. */
class CacheHandlerTest {

  private static final String NAME = "www.example.org.";

  private final List<HandlerHarness> harnesses = new ArrayList<>();

  private HandlerHarness harness(String directive) throws Exception {
    return track(new HandlerHarness(directive));
  }

  private HandlerHarness track(HandlerHarness harness) {
    harnesses.add(harness);
    return harness;
  }

  @AfterEach
  void closeHarnesses() {
    harnesses.forEach(HandlerHarness::close);
  }

  @Test
  void secondQueryIsAnsweredFromCacheWithoutUpstream() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));

    Message first = h.ask(NAME, Type.A);
    Message second = h.ask(NAME, Type.A);

    assertEquals(1, h.upstream.calls());
    assertEquals("10.0.0.1", address(first));
    assertEquals("10.0.0.1", address(second));
    assertTrue(second.getHeader().getFlag(Flags.AA), "CoreDNS sets AA on cache hits");
    assertEquals(2, h.metric("coredns_cache_requests_total"));
    assertEquals(1, h.metric("coredns_cache_hits_total", "success"));
    assertEquals(1, h.metric("coredns_cache_misses_total"));
  }

  @Test
  void ttlCountsDownWithTheClockAndEntryExpires() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));

    assertEquals(300, ttl(h.ask(NAME, Type.A)));
    h.advance(100);
    assertEquals(200, ttl(h.ask(NAME, Type.A)));
    h.advance(199);
    assertEquals(1, ttl(h.ask(NAME, Type.A)));
    assertEquals(1, h.upstream.calls());
    h.advance(1);
    Message refreshed = h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls());
    assertEquals("10.0.0.2", address(refreshed));
    assertEquals(300, ttl(refreshed));
  }

  @Test
  void theSameAnswerAfterExpiryRenewsTheStoredEntryInPlace() throws Exception {
    HandlerHarness h = harness("cache 30");
    // Upstream TTLs that vary but all exceed the cap: every stored reply carries TTL 30.
    AtomicInteger upstreamTtl = new AtomicInteger(3600);
    h.upstream.answer(NAME, Type.A, request -> Answers.a(upstreamTtl.getAndDecrement(), "192.0.2.1").apply(request));
    h.ask(NAME, Type.A);
    CachedAnswer stored = storedEntry(h);

    h.advance(31);
    Message again = h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls(), "an expired entry is not served");
    assertEquals(2, h.metric("coredns_cache_misses_total"));
    assertEquals(30, ttl(again));
    assertTrue(stored == storedEntry(h), "the same reply renews the stored entry instead of replacing it");
    h.advance(10);
    assertEquals(20, ttl(h.ask(NAME, Type.A)), "the renewed entry counts down from its renewal");
    assertEquals(2, h.upstream.calls());
  }

  @Test
  void aDifferentAnswerAfterExpiryReplacesTheEntry() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(5));
    h.ask(NAME, Type.A);
    CachedAnswer stored = storedEntry(h);

    h.advance(5);
    assertEquals("10.0.0.2", address(h.ask(NAME, Type.A)));
    assertFalse(stored == storedEntry(h));
    assertEquals("10.0.0.2", address(h.ask(NAME, Type.A)));
    assertEquals(2, h.upstream.calls());
  }

  private static CachedAnswer storedEntry(HandlerHarness h) throws Exception {
    CacheKey key = CacheKey.of(Queries.request(Queries.query(NAME, Type.A)));
    return h.handler.successCache().peek(key);
  }

  @Test
  void positionalTtlCapsBothCaches() throws Exception {
    HandlerHarness h = harness("cache 60");
    h.upstream.answer(NAME, Type.A, Answers.a(3600, "192.0.2.1"));
    h.upstream.answer("gone.example.org.", Type.A, Answers.nxdomain("example.org.", 3600, 3600));

    assertEquals(60, ttl(h.ask(NAME, Type.A)), "the first answer already carries the capped TTL");
    assertEquals(60, ttl(h.ask("gone.example.org.", Type.A)));
    h.advance(60);
    h.ask(NAME, Type.A);
    h.ask("gone.example.org.", Type.A);
    assertEquals(4, h.upstream.calls());
  }

  @Test
  void successTtlAndMinTtlOverrideDefaults() throws Exception {
    HandlerHarness h = harness("cache {\n success 100 120 30\n}");
    h.upstream.answer("short.example.org.", Type.A, Answers.a(2, "192.0.2.1"));
    h.upstream.answer("long.example.org.", Type.A, Answers.a(9999, "192.0.2.2"));

    assertEquals(30, ttl(h.ask("short.example.org.", Type.A)), "MINTTL floors a 2 s TTL");
    assertEquals(120, ttl(h.ask("long.example.org.", Type.A)), "TTL caps");
    h.advance(29);
    assertEquals(1, ttl(h.ask("short.example.org.", Type.A)));
    assertEquals(2, h.upstream.calls());
  }

  @Test
  void defaultMinTtlIsFiveSeconds() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.a(1, "192.0.2.1"));
    assertEquals(5, ttl(h.ask(NAME, Type.A)));
  }

  @Test
  void negativeAnswerLivesMinimumOfSoaTtlAndSoaMinimum() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer("gone.example.org.", Type.A, Answers.nxdomain("example.org.", 3600, 60));
    h.upstream.answer("www.example.org.", Type.AAAA, Answers.nodata("example.org.", 40, 900));

    Message nx = h.ask("gone.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, nx.getRcode());
    assertEquals(60, ttl(nx));
    assertEquals(40, ttl(h.ask("www.example.org.", Type.AAAA)));
    h.advance(39);
    Message cachedNx = h.ask("gone.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, cachedNx.getRcode());
    assertEquals(21, ttl(cachedNx));
    assertEquals(1, ttl(h.ask("www.example.org.", Type.AAAA)));
    assertEquals(2, h.upstream.calls());
    assertEquals(2, h.metric("coredns_cache_hits_total", "denial"));
    h.advance(21);
    h.ask("gone.example.org.", Type.A);
    assertEquals(3, h.upstream.calls());
  }

  @Test
  void nxdomainWithoutSoaIsNotCached() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer("gone.example.org.", Type.A, Answers.rcode(Rcode.NXDOMAIN));
    h.ask("gone.example.org.", Type.A);
    h.ask("gone.example.org.", Type.A);
    assertEquals(2, h.upstream.calls());
  }

  @Test
  void dnssecOkBitSeparatesEntries() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));

    Message plain = h.ask(NAME, Type.A);
    Message withDo = h.ask(withDnssecOk(DnsClient.newQuery(NAME, Type.A)));
    Message plainAgain = h.ask(NAME, Type.A);
    Message withDoAgain = h.ask(withDnssecOk(DnsClient.newQuery(NAME, Type.A)));

    assertEquals(2, h.upstream.calls());
    assertEquals("10.0.0.1", address(plain));
    assertEquals("10.0.0.2", address(withDo));
    assertEquals("10.0.0.1", address(plainAgain));
    assertEquals("10.0.0.2", address(withDoAgain));
  }

  @Test
  void checkingDisabledBitSeparatesEntries() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));
    Message cd = DnsClient.newQuery(NAME, Type.A);
    cd.getHeader().setFlag(Flags.CD);

    h.ask(NAME, Type.A);
    Message answer = h.ask(cd);

    assertEquals(2, h.upstream.calls());
    assertTrue(answer.getHeader().getFlag(Flags.CD));
  }

  @Test
  void keyIgnoresCaseAndReplyEchoesClientCaseAndId() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));

    h.ask("www.example.org.", Type.A);
    Message query = DnsClient.newQuery("WwW.ExAmPlE.oRg.", Type.A);
    Message reply = h.ask(query);

    assertEquals(1, h.upstream.calls());
    assertEquals("WwW.ExAmPlE.oRg.", reply.getQuestion().getName().toString());
    assertEquals(query.getHeader().getID(), reply.getHeader().getID());
    assertTrue(reply.getHeader().getFlag(Flags.QR));
    assertTrue(reply.getHeader().getFlag(Flags.RD));
  }

  @Test
  void truncatedAnswersAreNotCached() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, request -> {
      Message m = Answers.a(300, "192.0.2.1").apply(request);
      m.getHeader().setFlag(Flags.TC);
      return m;
    });
    h.ask(NAME, Type.A);
    Message second = h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls());
    assertTrue(second.getHeader().getFlag(Flags.TC));
  }

  @Test
  void queriesWithUnusualFlagsBypassTheCache() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));
    for (int i = 0; i < 2; i++) {
      Message notify = DnsClient.newQuery(NAME, Type.A);
      notify.getHeader().setOpcode(Opcode.NOTIFY);
      h.ask(notify);
      Message flaggedAsResponse = DnsClient.newQuery(NAME, Type.A);
      flaggedAsResponse.getHeader().setFlag(Flags.QR);
      h.ask(flaggedAsResponse);
    }
    assertEquals(4, h.upstream.calls());
    assertEquals(0, h.metric("coredns_cache_requests_total"));
  }

  @Test
  void answerForAnotherQuestionIsDroppedNotCached() throws Exception {
    HandlerHarness h = harness("cache");
    // A complete answer, but for example.net while the query asked for www.example.org.
    h.upstream.answer(NAME, Type.A, request -> {
      Message other = DnsClient.newQuery("example.net.", Type.A);
      other.getHeader().setID(request.id());
      return Answers.a(300, "192.0.2.1").apply(request.withMessage(other));
    });
    h.ask(NAME, Type.A);
    h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls());
    assertEquals(2, h.metric("coredns_cache_drops_total"));
  }

  @Test
  void servfailIsCachedForServfailDuration() throws Exception {
    HandlerHarness h = harness("cache {\n servfail 10s\n}");
    h.upstream.answer(NAME, Type.A, Answers.rcode(Rcode.SERVFAIL));
    assertEquals(Rcode.SERVFAIL, h.ask(NAME, Type.A).getRcode());
    h.advance(9);
    assertEquals(Rcode.SERVFAIL, h.ask(NAME, Type.A).getRcode());
    assertEquals(1, h.upstream.calls());
    h.advance(1);
    h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls());
  }

  @Test
  void servfailZeroDisablesServfailCaching() throws Exception {
    HandlerHarness h = harness("cache {\n servfail 0\n}");
    h.upstream.answer(NAME, Type.A, Answers.rcode(Rcode.SERVFAIL));
    h.ask(NAME, Type.A);
    h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls());
  }

  @Test
  void disableSkipsOnlyTheNamedCacheInTheNamedZones() throws Exception {
    HandlerHarness h = harness("cache {\n disable success sub.example.org\n disable denial other.org\n}");
    h.upstream.answer("a.sub.example.org.", Type.A, Answers.counting(300));
    h.upstream.answer("b.example.org.", Type.A, Answers.counting(300));
    h.upstream.answer("gone.sub.example.org.", Type.A, Answers.nxdomain("example.org.", 300, 300));
    h.upstream.answer("gone.other.org.", Type.A, Answers.nxdomain("other.org.", 300, 300));

    for (int i = 0; i < 2; i++) {
      h.ask("a.sub.example.org.", Type.A);
      h.ask("b.example.org.", Type.A);
      h.ask("gone.sub.example.org.", Type.A);
      h.ask("gone.other.org.", Type.A);
    }
    assertEquals(2, h.upstream.calls("a.sub.example.org.", Type.A), "success disabled below sub.example.org");
    assertEquals(1, h.upstream.calls("b.example.org.", Type.A));
    assertEquals(1, h.upstream.calls("gone.sub.example.org.", Type.A), "denial still cached there");
    assertEquals(2, h.upstream.calls("gone.other.org.", Type.A), "denial disabled below other.org");
  }

  @Test
  void namesOutsideTheCachedZonesPassThrough() throws Exception {
    HandlerHarness h = harness("cache example.org");
    h.upstream.answer("www.example.net.", Type.A, Answers.counting(300));
    h.ask("www.example.net.", Type.A);
    h.ask("www.example.net.", Type.A);
    assertEquals(2, h.upstream.calls());
  }

  @Test
  void capacityEvictsAndIsCounted() throws Exception {
    HandlerHarness h = harness("cache {\n success 3\n}");
    for (int i = 0; i < 10; i++) {
      h.upstream.answer("n" + i + ".example.org.", Type.A, Answers.counting(300));
      h.ask("n" + i + ".example.org.", Type.A);
    }
    assertEquals(3, h.handler.successSize());
    assertEquals(7, h.metric("coredns_cache_evictions_total", "success"));
    assertEquals(3, h.metric("coredns_cache_entries", "success"));
  }

  @Test
  void keepTtlServesTheOriginalTtl() throws Exception {
    HandlerHarness h = harness("cache {\n keepttl\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));
    h.ask(NAME, Type.A);
    h.advance(250);
    assertEquals(300, ttl(h.ask(NAME, Type.A)));
    h.advance(50);
    h.ask(NAME, Type.A);
    assertEquals(2, h.upstream.calls(), "the entry still expires");
  }

  @Test
  void prefetchRefreshesPopularEntryBeforeExpiry() throws Exception {
    HandlerHarness h = harness("cache {\n prefetch 2 1m 10%\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(100));
    h.ask(NAME, Type.A);
    h.advance(30);
    h.ask(NAME, Type.A); // one hit: not popular yet
    h.advance(61);
    Message stillOld = h.ask(NAME, Type.A); // a gap over 1m: hits restart at 1
    assertEquals(1, h.upstream.calls());
    h.advance(1);
    Message triggering = h.ask(NAME, Type.A); // 2 hits, TTL 8 <= 10
    assertEquals("10.0.0.1", address(stillOld));
    assertEquals("10.0.0.1", address(triggering), "the client is answered from the old entry");
    assertEquals(8, ttl(triggering));
    assertEquals(2, h.upstream.calls());
    Message fresh = h.ask(NAME, Type.A);
    assertEquals("10.0.0.2", address(fresh));
    assertEquals(100, ttl(fresh));
    assertEquals(1, h.metric("coredns_cache_prefetch_total"));
  }

  @Test
  void prefetchFiresOnceUnderConcurrentLoad() throws Exception {
    HandlerHarness h = harness("cache {\n prefetch 1\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(100));
    h.ask(NAME, Type.A);
    h.advance(91);
    CompletableFuture<Void> held = h.upstream.hold();

    int clients = 8;
    int queriesEach = 50;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<CompletionStage<Message>>>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        results.add(pool.submit(() -> {
          start.await();
          List<CompletionStage<Message>> answers = new ArrayList<>();
          for (int q = 0; q < queriesEach; q++) {
            answers.add(h.send(DnsClient.newQuery(NAME, Type.A)));
          }
          return answers;
        }));
      }
      start.countDown();
      for (Future<List<CompletionStage<Message>>> result : results) {
        for (CompletionStage<Message> answer : result.get(10, TimeUnit.SECONDS)) {
          assertTrue(answer.toCompletableFuture().isDone(), "no client waits for the prefetch");
          assertEquals("10.0.0.1", address(answer.toCompletableFuture().join()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, h.upstream.calls(), "one fill and exactly one prefetch");
    held.complete(null);
    assertEquals("10.0.0.2", address(h.ask(NAME, Type.A)));
    assertEquals(2, h.upstream.calls());
    assertEquals(1, h.metric("coredns_cache_prefetch_total"));
  }

  @Test
  void serveStaleImmediateAnswersStaleAndRefreshesInBackground() throws Exception {
    HandlerHarness h = harness("cache {\n serve_stale 1h\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(30));
    h.ask(NAME, Type.A);
    h.advance(40);
    h.upstream.down(true);

    Message stale = h.ask(NAME, Type.A);
    assertEquals("10.0.0.1", address(stale));
    assertEquals(0, ttl(stale));
    assertEquals(2, h.upstream.calls(), "a background refresh was attempted");
    Message stillStale = h.ask(NAME, Type.A);
    assertEquals("10.0.0.1", address(stillStale), "a failed refresh keeps the stale entry");
    assertEquals(2, h.metric("coredns_cache_served_stale_total"));

    h.upstream.down(false);
    Message staleWhileRefreshing = h.ask(NAME, Type.A);
    assertEquals("10.0.0.1", address(staleWhileRefreshing), "immediate: stale first");
    Message fresh = h.ask(NAME, Type.A);
    assertEquals("10.0.0.2", address(fresh));
    assertEquals(30, ttl(fresh));
  }

  @Test
  void serveStaleVerifyAsksUpstreamFirst() throws Exception {
    HandlerHarness h = harness("cache {\n serve_stale 1h verify\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(30));
    h.ask(NAME, Type.A);
    h.advance(40);

    Message fresh = h.ask(NAME, Type.A);
    assertEquals("10.0.0.2", address(fresh), "verify: a working upstream's answer wins");
    assertEquals(30, ttl(fresh));
    assertEquals(0, h.metric("coredns_cache_served_stale_total"));

    h.advance(40);
    h.upstream.down(true);
    Message stale = h.ask(NAME, Type.A);
    assertEquals("10.0.0.2", address(stale), "stale only because upstream failed");
    assertEquals(0, ttl(stale));
    assertEquals(3, h.upstream.calls());
    assertEquals(1, h.metric("coredns_cache_served_stale_total"));
  }

  @Test
  void serveStaleVerifyDoesNotTakeServfailForAnAnswer() throws Exception {
    HandlerHarness h = harness("cache {\n serve_stale 1h verify\n servfail 0\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(30));
    h.ask(NAME, Type.A);
    h.advance(40);
    h.upstream.answer(NAME, Type.A, Answers.rcode(Rcode.SERVFAIL));
    Message stale = h.ask(NAME, Type.A);
    assertEquals(Rcode.NOERROR, stale.getRcode());
    assertEquals("10.0.0.1", address(stale));
  }

  @Test
  void staleEntriesBeyondTheStaleWindowAreNotServed() throws Exception {
    HandlerHarness h = harness("cache {\n serve_stale 10m\n}");
    h.upstream.answer(NAME, Type.A, Answers.counting(30));
    h.ask(NAME, Type.A);
    h.advance(30 + 600);
    h.upstream.down(true);
    CompletableFuture<Message> failed = h.send(DnsClient.newQuery(NAME, Type.A)).toCompletableFuture();
    assertTrue(failed.isCompletedExceptionally());
    assertEquals(2, h.metric("coredns_cache_misses_total"));
    assertEquals(0, h.metric("coredns_cache_served_stale_total"));
  }

  @Test
  void withoutServeStaleExpiredEntriesAreNotServed() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(30));
    h.ask(NAME, Type.A);
    h.advance(30);
    h.upstream.down(true);
    assertTrue(h.send(DnsClient.newQuery(NAME, Type.A)).toCompletableFuture().isCompletedExceptionally());
    assertFalse(h.metric("coredns_cache_served_stale_total") > 0);
  }

  @Test
  void metricsUseCoreDnsNamesAndLabels() throws Exception {
    HandlerHarness h = harness("cache");
    List<String> typed = List.of("server", "type", "zones", "view");
    for (String name : List.of("coredns_cache_hits_total", "coredns_cache_evictions_total")) {
      assertLabelNames(h, name, typed, () -> h.kit.metrics().counter(name, "", typed.toArray(String[]::new)));
    }
    List<String> untyped = List.of("server", "zones", "view");
    for (String name : List.of(
        "coredns_cache_requests_total",
        "coredns_cache_misses_total",
        "coredns_cache_prefetch_total",
        "coredns_cache_drops_total",
        "coredns_cache_served_stale_total")) {
      assertLabelNames(h, name, untyped, () -> h.kit.metrics().counter(name, "", untyped.toArray(String[]::new)));
    }
    // Computed at scrape time; registered last, as registering it again takes its place.
    assertLabelNames(h, CacheEntries.NAME, typed,
        () -> h.kit.metrics().gaugeFunction(CacheEntries.NAME, "", typed, List::of));
  }

  @Test
  void ttlFollowsTheTickerWhenTheSystemClockIsSet() throws Exception {
    SettableClock wall = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ManualClock ticker = new ManualClock();
    HandlerHarness h = track(new HandlerHarness("cache", wall, ticker));
    h.upstream.answer(NAME, Type.A, Answers.counting(300));
    assertEquals(300, ttl(h.ask(NAME, Type.A)));

    wall.set(Instant.parse("2026-01-01T02:00:00Z"));
    assertEquals(300, ttl(h.ask(NAME, Type.A)), "two hours forward on the wall clock: nothing expired");
    wall.set(Instant.parse("2025-12-31T00:00:00Z"));
    assertEquals(300, ttl(h.ask(NAME, Type.A)), "a day back: the TTL does not grow either");
    ticker.advance(Duration.ofSeconds(100));
    assertEquals(200, ttl(h.ask(NAME, Type.A)));
    assertEquals(1, h.upstream.calls());
  }

  @Test
  void aHitOffersItsPreEncodedWireForm() throws Exception {
    HandlerHarness h = harness("cache");
    h.upstream.answer(NAME, Type.A, Answers.counting(300));
    h.ask(NAME, Type.A);
    h.advance(10);
    Request request = Queries.request(DnsClient.newQuery(NAME, Type.A));

    Message hit = h.ask(request);

    byte[] offered = Queries.context(request).wireFormOf(hit);
    assertNotNull(offered, "a hit offers the wire form it patched");
    byte[] encoded = hit.toWire();
    // Everything but the ID, which the server patches in with the OPT record.
    assertArrayEquals(Arrays.copyOfRange(encoded, 2, encoded.length), Arrays.copyOfRange(offered, 2, offered.length));
    assertEquals(290, ttl(hit));

    // Spelled otherwise, the stored wire form would give the answer the question's spelling (its
    // owner is compressed against the question): such a hit is encoded afresh.
    Request otherCase = Queries.request(DnsClient.newQuery("wWw.Example.ORG.", Type.A));
    Message mixed = h.ask(otherCase);
    assertNull(Queries.context(otherCase).wireFormOf(mixed));
    assertEquals(290, ttl(mixed));
  }

  @Test
  void aRefreshIsADetachedQueryOfItsOwn() throws Exception {
    HandlerHarness h = harness("cache {\n prefetch 1\n}");
    List<Request> seen = new CopyOnWriteArrayList<>();
    AtomicInteger toldAboutAWrite = new AtomicInteger();
    h.upstream.answer(NAME, Type.A, request -> {
      seen.add(request);
      // As log or prometheus after the cache would: ask to hear about the response written.
      request.context().onWritten((response, bytes) -> toldAboutAWrite.incrementAndGet());
      return Answers.a(100, "192.0.2.1").apply(request);
    });
    h.ask(NAME, Type.A);
    h.advance(91);
    Request client = Queries.request(DnsClient.newQuery(NAME, Type.A));

    Message hit = h.ask(client);
    PluginTestKit.written(client, hit);

    assertEquals(2, seen.size(), "the fill and the prefetch");
    Request refresh = seen.get(1);
    assertNotSame(client.context(), refresh.context(), "the refresh has a context of its own");
    assertFalse(refresh.context() instanceof ServerQueryContext, "made by request.detached");
    assertEquals(client.qname(), refresh.qname());
    assertEquals(0, toldAboutAWrite.get(), "the client's answer is not the refresh's");
  }

  @Test
  void cachesOfSeveralBlocksEachReportTheirEntries() throws Exception {
    try (PluginTestKit kit = new PluginTestKit(new ManualClock())) {
      ScriptedUpstream upstream = new ScriptedUpstream();
      upstream.answer("www.example.org.", Type.A, Answers.counting(300));
      upstream.answer("www.example.net.", Type.A, Answers.counting(300));
      upstream.answer("ftp.example.net.", Type.A, Answers.counting(300));
      Plugin org = kit.create(new CacheFactory(), "example.org:53", "cache");
      Plugin net = kit.create(new CacheFactory(), "example.net:53", "cache");
      kit.handle(org, kit.request("www.example.org.", Type.A), upstream);
      kit.handle(net, kit.request("www.example.net.", Type.A), upstream);
      kit.handle(net, kit.request("ftp.example.net.", Type.A), upstream);

      MetricsText scrape = kit.scrape();
      assertEquals(1, scrape.sum(CacheEntries.NAME, Map.of("zones", "example.org.", "type", "success")));
      assertEquals(2, scrape.sum(CacheEntries.NAME, Map.of("zones", "example.net.", "type", "success")));
      assertEquals(0, scrape.sum(CacheEntries.NAME, Map.of("type", "denial")));
    }
  }

  /** A wall clock a test sets to any instant, forward or back, as an operator sets the system time. */
  private static final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;

    SettableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /**
   * Asserts that {@code name} is exported with exactly {@code labels}, in that order: the
   * registry rejects registering a metric again with other label names or another order.
   */
  private static void assertLabelNames(HandlerHarness h, String name, List<String> labels, Executable registerAgain) {
    List<MetricsText.Sample> samples = h.kit.scrape().samples(name);
    assertFalse(samples.isEmpty(), name + " is exported");
    assertEquals(Set.copyOf(labels), samples.get(0).labels().keySet(), name);
    assertDoesNotThrow(registerAgain, name + " has the label names " + labels + " in this order");
  }

  private static Message withDnssecOk(Message query) {
    query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    return query;
  }
}
