package dev.corvus.dns.plugin.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Nsd;
import dev.corvus.dns.testkit.peers.Peers;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/** {@code transfer} with {@code file} in a real server: AXFR and IXFR to dnsjava, kdig, dig and NSD. */
class TransferIntegrationTest {

  static final String ZONE = """
      $ORIGIN example.org.
      $TTL 3600
      @    IN SOA ns1.example.org. hostmaster.example.org. %d 7200 3600 1209600 300
           IN NS  ns1.example.org.
           IN MX  10 mail.example.org.
      ns1  IN A   192.0.2.53
      mail IN A   192.0.2.25
      www  IN A   192.0.2.10
      www  IN AAAA 2001:db8::10
      *.wild IN TXT "wildcard"
      sub  IN NS  ns.sub.example.org.
      ns.sub IN A 192.0.2.99
      """;

  @TempDir Path dir;

  private Path zoneFile(long serial, String extra) throws Exception {
    Path file = dir.resolve("db.example.org");
    Files.writeString(file, ZONE.formatted(serial) + extra);
    return file;
  }

  private static Corvus serve(String corefile) throws Exception {
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  @Test
  void axfrSendsTheWholeZoneBetweenTwoSoas() throws Exception {
    Path zone = zoneFile(2024060101, "");
    try (Corvus s = serve("example.org:0 {\n file " + zone + "\n transfer {\n  to *\n }\n}\n")) {
      ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Name.fromString("example.org."), s.tcpAddress(), null);
      xfr.run();
      List<Record> records = xfr.getAXFR();
      assertEquals(Type.SOA, records.get(0).getType());
      assertEquals(Type.SOA, records.get(records.size() - 1).getType());
      assertEquals(11, records.size(), records.toString()); // 10 records and the closing SOA
      assertTrue(records.stream().anyMatch(r -> r.getName().toString().equals("ns.sub.example.org.")), "glue");

      String kdig = Peers.require("kdig", "knot-dnsutils");
      Peers.Output out = Peers.run(kdig, "@127.0.0.1", "-p", String.valueOf(s.tcpAddress().getPort()), "example.org.",
          "AXFR", "+nocomments", "+nostats");
      System.out.println("kdig AXFR:\n" + out.text());
      assertEquals(0, out.exitCode(), out.text());
      assertEquals(11, out.text().lines().filter(l -> l.contains("\tIN\t")).count(),
          out.text());
      assertTrue(out.text().contains("www.example.org.") && out.text().contains("2001:db8::10"), out.text());
    }
  }

  @Test
  void transfersTheZonesOfAuto() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("db.example.org"), ZONE.formatted(3));
    try (Corvus s = serve("org:0 {\n auto {\n  directory " + zones + "\n }\n transfer {\n  to *\n }\n}\n")) {
      ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Name.fromString("example.org."), s.tcpAddress(), null);
      xfr.run();
      assertEquals(11, xfr.getAXFR().size());
      // a zone auto does not hold: transfer passes it on, and auto refuses it as file does
      assertEquals(Rcode.REFUSED, new DnsClient(s.tcpAddress()).tcp("other.org.", Type.AXFR).getRcode());
    }
  }

  @Test
  void refusesUdpAndClientsNotListed() throws Exception {
    Path zone = zoneFile(1, "");
    try (Corvus s = serve("example.org:0 {\n file " + zone + "\n transfer {\n  to 127.0.0.2\n }\n}\n")) {
      assertEquals(Rcode.REFUSED, new DnsClient(s.udpAddress()).udp("example.org.", Type.AXFR).getRcode());
      assertEquals(Rcode.REFUSED, new DnsClient(s.tcpAddress()).tcp("example.org.", Type.AXFR).getRcode());
    }
    try (Corvus s = serve("example.org:0 {\n file " + zone + "\n}\n")) {
      // without transfer, file refuses as CoreDNS's does
      assertEquals(Rcode.REFUSED, new DnsClient(s.tcpAddress()).tcp("example.org.", Type.AXFR).getRcode());
    }
  }

  @Test
  void ixfrWithTheCurrentSerialGetsTheSoaAloneAndAnOlderOneTheWholeZone() throws Exception {
    Path zone = zoneFile(5, "");
    try (Corvus s = serve("example.org:0 {\n file " + zone + "\n transfer {\n  to *\n }\n}\n")) {
      Name origin = Name.fromString("example.org.");
      ZoneTransferIn current = ZoneTransferIn.newIXFR(origin, 5, false, s.tcpAddress(), null);
      current.run();
      assertTrue(current.isCurrent(), "serial 5 is current");

      ZoneTransferIn older = ZoneTransferIn.newIXFR(origin, 4, false, s.tcpAddress(), null);
      older.run();
      assertTrue(older.isAXFR(), "no journal: the whole zone");
      assertEquals(11, older.getAXFR().size());

      String dig = Peers.require("dig", "dnsutils");
      Peers.Output out = Peers.run(dig, "@127.0.0.1", "-p", String.valueOf(s.tcpAddress().getPort()), "example.org.",
          "IXFR=5", "+noall", "+answer");
      System.out.println("dig IXFR=5:\n" + out.text());
      assertEquals(1, out.text().lines().filter(l -> l.contains("\tSOA\t")).count(), out.text());
    }
  }

  @Test
  void transfersAHundredThousandRecordsInSeveralMessages() throws Exception {
    StringBuilder extra = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      extra.append("host").append(i).append(" IN A 10.").append((i >> 16) & 255).append('.').append((i >> 8) & 255)
          .append('.').append(i & 255).append('\n');
    }
    Path zone = zoneFile(7, extra.toString());
    try (Corvus s = serve("example.org:0 {\n file " + zone + "\n transfer {\n  to *\n }\n}\n")) {
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Name.fromString("example.org."), s.tcpAddress(), null);
        xfr.setTimeout(Duration.ofSeconds(30));
        xfr.run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(100_011, xfr.getAXFR().size());
        System.out.println("AXFR of 100,011 records: " + millis + " ms");
        if (round == 2) {
          // a loose bound against a pathological slowdown on a busy CI machine; the 2 s target is
          // measured by bench/bench.sh axfr (docs/performance.md)
          assertTrue(millis < 15_000, "AXFR of 100,000 records took " + millis + " ms");
        }
      }
    }
  }

  @Test
  void nsdTransfersTheZoneAndIsNotifiedOfChanges() throws Exception {
    int nsdPort = Peers.freePort();
    Path zone = zoneFile(100, "");
    try (Corvus s = serve("example.org:0 {\n file " + zone + " {\n  reload 200ms\n }\n transfer {\n  to 127.0.0.1:" + nsdPort
        + "\n }\n}\n");
        Nsd nsd = Nsd.start(dir.resolve("nsd"), nsdPort, """
            zone:
              name: example.org
              zonefile: example.org.zone
              allow-notify: 127.0.0.1 NOKEY
              request-xfr: AXFR 127.0.0.1@%d NOKEY
            """.formatted(s.tcpAddress().getPort()))) {
      DnsClient nsdClient = nsd.client();
      assertTrue(Poll.until(Duration.ofSeconds(20), () -> serial(nsdClient) == 100),
          "NSD did not transfer the zone: " + nsd.log());
      Message www = nsdClient.udp("www.example.org.", Type.A);
      assertEquals("192.0.2.10", www.getSection(Section.ANSWER).get(0).rdataToString());

      // a new serial: file reloads it, transfer notifies NSD, NSD transfers it again
      zoneFile(101, "new IN A 192.0.2.77\n");
      assertTrue(Poll.until(Duration.ofSeconds(20), () -> serial(nsdClient) == 101),
          "NSD did not pick up serial 101: " + nsd.log());
      assertEquals("192.0.2.77", nsdClient.udp("new.example.org.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      String log = nsd.log();
      System.out.println("NSD log:\n" + log);
      assertTrue(log.contains("notify"), log);
    }
  }

  private static long serial(DnsClient client) {
    try {
      Message answer = client.udp("example.org.", Type.SOA);
      List<Record> soa = answer.getSection(Section.ANSWER);
      return soa.isEmpty() ? -1 : ((SOARecord) soa.get(0)).getSerial();
    } catch (Exception e) {
      return -1;
    }
  }

  static Record a(String name, String address) throws Exception {
    return new ARecord(Name.fromString(name), DClass.IN, 300, InetAddress.getByName(address));
  }
}
