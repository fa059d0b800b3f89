package com.example.corvus.blocklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The plugin in a real server, queried over real sockets. */
class BlocklistServerTest {

  @TempDir Path dir;

  private Corvus start(String blocklistBlock) throws Exception {
    String corefile = ".:0 {\n"
        + "    " + blocklistBlock + "\n"
        + "    testanswer 192.0.2.10\n"
        + "}\n";
    Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start();
    await(server::isReady, "the blocklist is read");
    return server;
  }

  private Path list(String... names) throws Exception {
    return Files.write(dir.resolve("blocked.txt"), List.of(names));
  }

  @Test
  void blockedNamesGetNxdomainOverUdpAndTcpAndOtherNamesPassOn() throws Exception {
    Path file = list("ads.example.org");
    try (Corvus server = start("blocklist " + file)) {
      DnsClient client = new DnsClient(server.udpAddress());
      assertEquals(Rcode.NXDOMAIN, client.udp("ads.example.org.", Type.A).getRcode());
      assertEquals(Rcode.NXDOMAIN, client.tcp("banner.ADS.example.org.", Type.AAAA).getRcode());

      Message passed = client.udp("www.example.org.", Type.A);
      assertEquals(Rcode.NOERROR, passed.getRcode());
      assertEquals("192.0.2.10", address(passed), "answered by the directive after blocklist");
    }
  }

  @Test
  void respondNullAnswersTheUnspecifiedAddress() throws Exception {
    Path file = list("ads.example.org");
    try (Corvus server = start("blocklist " + file + " {\n respond null\n }")) {
      DnsClient client = new DnsClient(server.udpAddress());
      ARecord v4 = (ARecord) client.udp("ads.example.org.", Type.A).getSection(Section.ANSWER).get(0);
      assertEquals(InetAddress.getByName("0.0.0.0"), v4.getAddress());
      AAAARecord v6 = (AAAARecord) client.tcp("ads.example.org.", Type.AAAA).getSection(Section.ANSWER).get(0);
      assertEquals(InetAddress.getByName("::"), v6.getAddress());
      Message mx = client.udp("ads.example.org.", Type.MX);
      assertEquals(Rcode.NOERROR, mx.getRcode());
      assertTrue(mx.getSection(Section.ANSWER).isEmpty(), "no data for other types");
    }
  }

  @Test
  void blockedQueriesAndListSizeAreExportedAsMetrics() throws Exception {
    Path file = list("ads.example.org", "tracker.example.net");
    try (Corvus server = start("blocklist " + file)) {
      DnsClient client = new DnsClient(server.udpAddress());
      client.udp("ads.example.org.", Type.A);
      client.udp("x.tracker.example.net.", Type.A);
      client.udp("www.example.org.", Type.A);

      String metrics = server.scrapeMetrics();
      assertTrue(metrics.contains("corvus_blocklist_blocked_total{server=\"dns://:0\"} 2.0"), metrics);
      assertTrue(metrics.contains("corvus_blocklist_entries{server=\"dns://:0\"} 2.0"), metrics);
    }
  }

  @Test
  void aChangedFileTakesEffectAtTheNextRefresh() throws Exception {
    Path file = list("ads.example.org");
    try (Corvus server = start("blocklist " + file + " {\n refresh 100ms\n }")) {
      DnsClient client = new DnsClient(server.udpAddress());
      assertEquals(Rcode.NOERROR, client.udp("new.example.org.", Type.A).getRcode());

      list("ads.example.org", "new.example.org");
      await(() -> rcode(client, "new.example.org.") == Rcode.NXDOMAIN, "new.example.org. is blocked");
    }
  }

  @Test
  void aBrokenFileKeepsThePreviousList() throws Exception {
    Path file = list("ads.example.org");
    try (Corvus server = start("blocklist " + file + " {\n refresh 100ms\n }")) {
      list("bad..name", "www.example.org");
      DnsClient client = new DnsClient(server.udpAddress());
      // Ten refresh periods: long enough for the broken file to have been read several times.
      long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < until) {
        assertEquals(Rcode.NXDOMAIN, rcode(client, "ads.example.org."));
        assertEquals(Rcode.NOERROR, rcode(client, "www.example.org."));
      }
    }
  }

  private static int rcode(DnsClient client, String name) {
    try {
      return client.udp(name, Type.A).getRcode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String address(Message answer) {
    return ((ARecord) answer.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }
}
