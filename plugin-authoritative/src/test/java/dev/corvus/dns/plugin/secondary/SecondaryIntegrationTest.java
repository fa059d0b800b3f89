package dev.corvus.dns.plugin.secondary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.testkit.peers.Nsd;
import dev.corvus.dns.testkit.peers.Peers;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/** {@code secondary} copying zones from NSD: AXFR, NOTIFY, TSIG, the primary going away, expiry. */
class SecondaryIntegrationTest {

  static final String SECRET = "NoTCJU+DMqFWywaPyxSijrDEA/eC3nK0xi3AMEZuPVk=";
  static final String ZONE = """
      $ORIGIN example.net.
      $TTL 3600
      @    IN SOA ns1.example.net. hostmaster.example.net. %d %d %d %d 300
           IN NS  ns1.example.net.
      ns1  IN A   192.0.2.53
      www  IN A   192.0.2.%d
      """;

  @TempDir Path dir;

  private static long serial(DnsClient client) {
    try {
      Message answer = client.udp("example.net.", Type.SOA);
      List<Record> soa = answer.getSection(Section.ANSWER);
      return answer.getRcode() != Rcode.NOERROR || soa.isEmpty() ? -1 : ((SOARecord) soa.get(0)).getSerial();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void copiesTheZoneRefreshesOnNotifyAndPassesItOnWithTransfer() throws Exception {
    int nsdPort = Peers.freePort();
    int corvusPort = Peers.freePort();
    Path nsdDir = dir.resolve("nsd");
    Files.createDirectories(nsdDir);
    Files.writeString(nsdDir.resolve("example.net.zone"), ZONE.formatted(10, 3600, 600, 86400, 10));
    try (Nsd nsd = Nsd.start(nsdDir, nsdPort, """
        key:
          name: xfr.key
          algorithm: hmac-sha256
          secret: "%s"
        zone:
          name: example.net
          zonefile: example.net.zone
          provide-xfr: 127.0.0.1 xfr.key
          notify: 127.0.0.1@%d NOKEY
        """.formatted(SECRET, corvusPort))) {
      assertTrue(nsd.awaitServing("example.net."), nsd.log());
      try (Corvus s = Corvus.builder().corefile("example.net:" + corvusPort + " {\n secondary {\n  transfer from 127.0.0.1:"
          + nsdPort + "\n  tsig xfr.key. " + SECRET + "\n }\n transfer {\n  to *\n }\n}\n").start()) {
        DnsClient client = new DnsClient(s.udpAddress(), Duration.ofMillis(500));
        assertTrue(Poll.until(Duration.ofSeconds(15), () -> serial(client) == 10), "no copy: " + nsd.log());
        Message www = client.udp("www.example.net.", Type.A);
        assertTrue(www.getHeader().getFlag(org.xbill.DNS.Flags.AA));
        assertEquals("192.0.2.10", www.getSection(Section.ANSWER).get(0).rdataToString());
        assertEquals(Rcode.NXDOMAIN, client.udp("nope.example.net.", Type.A).getRcode());

        // NSD reloads a new serial and notifies; the refresh timer (3600 s) is far away
        Files.writeString(nsdDir.resolve("example.net.zone"), ZONE.formatted(11, 3600, 600, 86400, 11));
        nsd.reload();
        assertTrue(Poll.until(Duration.ofSeconds(15), () -> serial(client) == 11), "not refreshed on NOTIFY: " + nsd.log());
        assertEquals("192.0.2.11", client.udp("www.example.net.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
        System.out.println("NSD log (primary):\n" + nsd.log());
        assertTrue(nsd.log().contains("TSIG") || nsd.log().contains("xfr"), nsd.log());

        String notes = s.explain("www.example.net.", Type.A, new java.net.InetSocketAddress("127.0.0.1", 5353))
            .steps().stream().flatMap(step -> step.notes().stream()).toList().toString();
        assertTrue(notes.contains("served from secondary copy, serial 11, refreshed"), notes);

        // and the copy is transferred on by transfer
        ZoneTransferIn out = ZoneTransferIn.newAXFR(Name.fromString("example.net."), s.tcpAddress(), null);
        out.run();
        assertEquals(5, out.getAXFR().size());

        // the primary goes away: the copy is still served
        nsd.stop();
        assertEquals("192.0.2.11", client.udp("www.example.net.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      }
    }
  }

  @Test
  void aCopyThatCannotBeRefreshedExpiresAfterSoaExpire() throws Exception {
    int nsdPort = Peers.freePort();
    Path nsdDir = dir.resolve("nsd");
    Files.createDirectories(nsdDir);
    // refresh 1 s, retry 1 s, expire 4 s
    Files.writeString(nsdDir.resolve("example.net.zone"), ZONE.formatted(20, 1, 1, 4, 20));
    Nsd nsd = Nsd.start(nsdDir, nsdPort, """
        zone:
          name: example.net
          zonefile: example.net.zone
          provide-xfr: 127.0.0.1 NOKEY
        """);
    try (nsd; Corvus s = Corvus.builder().corefile("example.net:0 {\n secondary {\n  transfer from 127.0.0.1:" + nsdPort
        + "\n }\n}\n").dnsPort(0).start()) {
      assertTrue(nsd.awaitServing("example.net."), nsd.log());
      DnsClient client = new DnsClient(s.udpAddress(), Duration.ofMillis(500));
      assertTrue(Poll.until(Duration.ofSeconds(25), () -> serial(client) == 20), "no copy: " + nsd.log());
      nsd.stop();
      assertEquals(20, serial(client), "still served right after the primary stopped");
      assertTrue(Poll.until(Duration.ofSeconds(30), () -> {
        try {
          return client.udp("www.example.net.", Type.A).getRcode() == Rcode.SERVFAIL;
        } catch (Exception e) {
          return false;
        }
      }), "the copy did not expire");
    }
  }

  @Test
  void aWrongKeyGetsNoCopy() throws Exception {
    int nsdPort = Peers.freePort();
    Path nsdDir = dir.resolve("nsd");
    Files.createDirectories(nsdDir);
    Files.writeString(nsdDir.resolve("example.net.zone"), ZONE.formatted(30, 3600, 600, 86400, 30));
    try (Nsd nsd = Nsd.start(nsdDir, nsdPort, """
        key:
          name: xfr.key
          algorithm: hmac-sha256
          secret: "%s"
        zone:
          name: example.net
          zonefile: example.net.zone
          provide-xfr: 127.0.0.1 xfr.key
        """.formatted(SECRET));
        Corvus s = Corvus.builder().corefile("example.net:0 {\n secondary {\n  transfer from 127.0.0.1:" + nsdPort
            + "\n  tsig xfr.key. X28hl0BOfAL5G0jsmJWSacrwn7YRm2f6U5brnzwWEus=\n }\n}\n").dnsPort(0).start()) {
      assertTrue(nsd.awaitServing("example.net."), nsd.log());
      // NSD refuses the badly signed request (and logs it); Corvus has no copy to serve
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> {
        try {
          return nsd.log().contains("bad tsig") || nsd.log().contains("BADSIG") || nsd.log().contains("tsig");
        } catch (Exception e) {
          return false;
        }
      }), nsd.log());
      System.out.println("NSD log (wrong key):\n" + nsd.log());
      assertEquals(Rcode.SERVFAIL, new DnsClient(s.udpAddress()).udp("www.example.net.", Type.A).getRcode());
    }
  }
}
