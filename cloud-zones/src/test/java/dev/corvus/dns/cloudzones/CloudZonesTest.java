package dev.corvus.dns.cloudzones;

import static dev.corvus.dns.cloudzones.ZoneRecordsTest.record;
import static dev.corvus.dns.cloudzones.ZoneRecordsTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.testkit.PluginTestKit;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Several listed zones answering one zone, as CoreDNS's route53 and clouddns plugins ask their
 * {@code file.Zone}s, and the refresh keeping each listed zone's last good listing.
 */
class CloudZonesTest {

  private static final Name ORG = Name.fromConstantString("example.org.");
  private static final String SOA_A = "example.org. 300 IN SOA ns.a.example. hostmaster.example.org. 1 7200 900 1209600 300";
  private static final String SOA_B = "example.org. 300 IN SOA ns.b.example. hostmaster.example.org. 1 7200 900 1209600 300";

  /** The authority section of a negative answer of "a", of "b". */
  private static final List<String> AUTHORITY_A =
      List.of("example.org. SOA ns.a.example. hostmaster.example.org. 1 7200 900 1209600 300");
  private static final List<String> AUTHORITY_B =
      List.of("example.org. SOA ns.b.example. hostmaster.example.org. 1 7200 900 1209600 300");

  private final PluginTestKit kit = new PluginTestKit();
  private final FakeSource source = new FakeSource();
  private CloudZones<String> zones;

  @AfterEach
  void stop() {
    if (zones != null) {
      zones.stop();
    }
    kit.close();
  }

  /** "a" has _tcp.example.org. as an empty non-terminal; "b" has an address there. */
  private void twoListedZones(Fallthrough fallthrough) throws Exception {
    source.records.put("a", List.of(SOA_A, "_sip._tcp.example.org. 300 IN SRV 0 0 5060 sip.example.org.",
        "www.example.org. 300 IN A 192.0.2.1"));
    source.records.put("b", List.of(SOA_B, "_tcp.example.org. 300 IN A 192.0.2.2",
        "www.example.org. 300 IN AAAA 2001:db8::2", "only-b.example.org. 300 IN A 192.0.2.3"));
    Map<Name, List<String>> config = new LinkedHashMap<>();
    config.put(ORG, List.of("a", "b"));
    zones = new CloudZones<>("cloudtest", config, fallthrough);
    zones.start(kit.context(), source, Duration.ofHours(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(zones.readiness().isReady(), "both listed zones were listed");
  }

  private Message ask(String name, int type) throws Exception {
    return ask(zones.handler(), name, type);
  }

  private Message ask(Handler handler, String name, int type) throws Exception {
    Handler next = chain -> Responses.completed(
        Responses.answer(chain.request(), record(chain.request().qname() + " 60 IN TXT next-plugin")));
    return handler.handle(PluginTestKit.chain(kit.request(name, type), next)).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void anEmptyNonTerminalGoesOnToTheNextListedZone() throws Exception {
    twoListedZones(Fallthrough.NONE);
    Message response = ask("_tcp.example.org.", Type.A);
    assertEquals(List.of("_tcp.example.org. A 192.0.2.2"), text(response.getSection(Section.ANSWER)));
    assertTrue(response.getHeader().getFlag(Flags.AA));
  }

  @Test
  void anEmptyNonTerminalThenNoDataIsTheNextListedZonesNoData() throws Exception {
    twoListedZones(Fallthrough.NONE);
    Message response = ask("_tcp.example.org.", Type.TXT);
    assertEquals(Rcode.NOERROR, response.getRcode());
    assertEquals(AUTHORITY_B,
        text(response.getSection(Section.AUTHORITY)), "\"a\" asks on, \"b\" has the name: its NODATA");
  }

  @Test
  void anEmptyNonTerminalOfEveryListedZoneIsNoErrorWithTheLastSoa() throws Exception {
    source.records.put("a", List.of(SOA_A, "_sip._tcp.example.org. 300 IN SRV 0 0 5060 sip.example.org."));
    source.records.put("b", List.of(SOA_B, "_xmpp._tcp.example.org. 300 IN SRV 0 0 5269 xmpp.example.org."));
    Map<Name, List<String>> config = new LinkedHashMap<>();
    config.put(ORG, List.of("a", "b"));
    zones = new CloudZones<>("cloudtest", config, Fallthrough.NONE);
    zones.start(kit.context(), source, Duration.ofHours(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Message response = ask("_tcp.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, response.getRcode());
    assertTrue(response.getHeader().getFlag(Flags.AA));
    assertEquals(List.of(), text(response.getSection(Section.ANSWER)));
    assertEquals(AUTHORITY_B,
        text(response.getSection(Section.AUTHORITY)));
  }

  @Test
  void noDataStopsAtTheFirstListedZoneThatHasTheName() throws Exception {
    twoListedZones(Fallthrough.of(List.of(ORG)));
    Message response = ask("www.example.org.", Type.AAAA);
    assertEquals(Rcode.NOERROR, response.getRcode());
    assertEquals(List.of(), text(response.getSection(Section.ANSWER)), "b's AAAA is not reached, nor fallthrough");
    assertEquals(AUTHORITY_A,
        text(response.getSection(Section.AUTHORITY)));
  }

  @Test
  void aNameOfTheSecondListedZoneOnlyIsAnswered() throws Exception {
    twoListedZones(Fallthrough.NONE);
    assertEquals(List.of("only-b.example.org. A 192.0.2.3"),
        text(ask("only-b.example.org.", Type.A).getSection(Section.ANSWER)));
    Message missing = ask("nope.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, missing.getRcode());
    assertEquals(AUTHORITY_B,
        text(missing.getSection(Section.AUTHORITY)), "the last listed zone's NXDOMAIN stands");
  }

  @Test
  void fallthroughPassesOnNxdomainAndEmptyNonTerminalsButNotNoData() throws Exception {
    source.records.put("a", List.of(SOA_A, "_sip._tcp.example.org. 300 IN SRV 0 0 5060 sip.example.org."));
    zones = new CloudZones<>("cloudtest", Map.of(ORG, List.of("a")), Fallthrough.of(List.of(ORG)));
    zones.start(kit.context(), source, Duration.ofHours(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of("nope.example.org. TXT \"next-plugin\""),
        text(ask("nope.example.org.", Type.A).getSection(Section.ANSWER)));
    assertEquals(List.of("_tcp.example.org. TXT \"next-plugin\""),
        text(ask("_tcp.example.org.", Type.A).getSection(Section.ANSWER)),
        "as CoreDNS: the file plugin's empty non-terminal is no NODATA, so fallthrough applies");
    Message noData = ask("_sip._tcp.example.org.", Type.A);
    assertEquals(List.of(), text(noData.getSection(Section.ANSWER)));
    assertEquals(Rcode.NOERROR, noData.getRcode());
  }

  @Test
  void namesOutsideTheZonesGoToTheNextPlugin() throws Exception {
    twoListedZones(Fallthrough.NONE);
    assertEquals(List.of("www.example.com. TXT \"next-plugin\""),
        text(ask("www.example.com.", Type.A).getSection(Section.ANSWER)));
  }

  @Test
  void servfailAndNotReadyUntilEveryListedZoneWasListed() throws Exception {
    source.records.put("a", List.of(SOA_A, "www.example.org. 300 IN A 192.0.2.1"));
    source.records.put("b", List.of(SOA_B));
    source.failing.add("b");
    Map<Name, List<String>> config = new LinkedHashMap<>();
    config.put(ORG, List.of("a", "b"));
    zones = new CloudZones<>("cloudtest", config, Fallthrough.NONE);
    ZoneTable<String> table = new ZoneTable<>(config);
    ZoneTableHandler handler = new ZoneTableHandler(table, Fallthrough.NONE);
    ZoneRefresh<String> refresh = new ZoneRefresh<>("cloudtest", table, source);
    refresh.firstLoad().thenRun(handler::loaded);
    refresh.refresh();
    assertFalse(refresh.firstLoad().isDone());
    assertEquals(Rcode.SERVFAIL, ask(handler, "www.example.org.", Type.A).getRcode());
    source.failing.clear();
    refresh.refresh();
    assertTrue(refresh.firstLoad().isDone());
    assertEquals(List.of("www.example.org. A 192.0.2.1"),
        text(ask(handler, "www.example.org.", Type.A).getSection(Section.ANSWER)));
    assertFalse(zones.readiness().isReady(), "not started");
    assertEquals("cloudtest", zones.readiness().name());
  }

  @Test
  void aFailedListingKeepsTheLastGoodOneAndEachZoneIsCheckedUntilItPassesOnce() throws Exception {
    source.records.put("a", List.of(SOA_A, "www.example.org. 300 IN A 192.0.2.1"));
    source.failingChecks.add("a");
    ZoneTable<String> table = new ZoneTable<>(Map.of(ORG, List.of("a")));
    ZoneRefresh<String> refresh = new ZoneRefresh<>("cloudtest", table, source);
    refresh.refresh();
    assertEquals(List.of("check a"), source.calls, "a failed check: no listing");
    source.failingChecks.clear();
    refresh.refresh();
    ZoneRecords first = table.records(ORG).get(0);
    assertEquals(2, first.size());
    source.failing.add("a");
    refresh.refresh();
    assertSame(first, table.records(ORG).get(0), "the failed listing left the last good one");
    source.failing.clear();
    source.records.put("a", List.of(SOA_A));
    refresh.refresh();
    assertNotSame(first, table.records(ORG).get(0));
    assertEquals(1, table.records(ORG).get(0).size());
    assertEquals(List.of("check a", "check a", "list a", "list a", "list a"), source.calls);
  }

  @Test
  void aRefreshTheSourceCannotConnectForAsksNothing() {
    source.connected = false;
    source.records.put("a", List.of(SOA_A));
    ZoneTable<String> table = new ZoneTable<>(Map.of(ORG, List.of("a")));
    ZoneRefresh<String> refresh = new ZoneRefresh<>("cloudtest", table, source);
    refresh.refresh();
    assertEquals(List.of("connect"), source.calls);
    source.connected = true;
    refresh.refresh();
    assertTrue(refresh.firstLoad().isDone());
  }

  @Test
  void theRefreshThreadHasTheSourcesClassLoaderAndStopClosesTheSource() throws Exception {
    CompletableFuture<ClassLoader> seen = new CompletableFuture<>();
    source.records.put("a", List.of(SOA_A));
    source.onList = () -> seen.complete(Thread.currentThread().getContextClassLoader());
    zones = new CloudZones<>("cloudtest", Map.of(ORG, List.of("a")), Fallthrough.NONE);
    zones.start(kit.context(), source, Duration.ofHours(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertSame(FakeSource.class.getClassLoader(), seen.get(5, TimeUnit.SECONDS));
    zones.stop();
    zones = null;
    assertTrue(source.closed);
  }

  /** Listed zones as lists of zone-file lines; calls recorded in order. */
  private static final class FakeSource implements RecordSource<String> {
    final Map<String, List<String>> records = new HashMap<>();
    final Set<String> failing = new HashSet<>();
    final Set<String> failingChecks = new HashSet<>();
    final List<String> calls = new ArrayList<>();
    volatile boolean connected = true;
    volatile boolean closed;
    volatile Runnable onList = () -> {};

    @Override
    public boolean connect() {
      if (!connected) {
        calls.add("connect");
      }
      return connected;
    }

    @Override
    public void check(Name zone, String listed) throws IOException {
      calls.add("check " + listed);
      if (failingChecks.contains(listed)) {
        throw new IOException("no such listed zone " + listed);
      }
    }

    @Override
    public void list(Name zone, String listed, ZoneRecords.Builder into) throws IOException {
      calls.add("list " + listed);
      onList.run();
      if (failing.contains(listed)) {
        throw new IOException("503 for " + listed);
      }
      for (String line : records.get(listed)) {
        into.add(record(line));
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
