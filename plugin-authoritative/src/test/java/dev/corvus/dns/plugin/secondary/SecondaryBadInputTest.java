package dev.corvus.dns.plugin.secondary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.plugin.peers.FakePrimary;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A primary that sends records outside the zone, or stops half-way: the transfer fails, is
 * logged, and the copy served before stays.
 */
class SecondaryBadInputTest {

  private static List<Record> zone(long serial, String address, Record... extra) throws Exception {
    Name origin = Name.fromString("example.net.");
    List<Record> records = new java.util.ArrayList<>(List.of(
        new SOARecord(origin, DClass.IN, 3600, Name.fromString("ns1.example.net."), Name.fromString("h.example.net."),
            serial, 3600, 600, 86400, 300),
        new NSRecord(origin, DClass.IN, 3600, Name.fromString("ns1.example.net.")),
        new ARecord(Name.fromString("www.example.net."), DClass.IN, 3600, InetAddress.getByName(address))));
    records.addAll(List.of(extra));
    return records;
  }

  private static String www(DnsClient client) throws Exception {
    Message answer = client.udp("www.example.net.", Type.A);
    return answer.getRcode() != Rcode.NOERROR ? Rcode.string(answer.getRcode())
        : answer.getSection(Section.ANSWER).get(0).rdataToString();
  }

  private static void notifyFromPrimary(DnsClient client) throws Exception {
    Message notify = DnsClient.newQuery("example.net.", Type.SOA);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    assertEquals(Rcode.NOERROR, client.udp(notify).getRcode());
  }

  @Test
  void aBadTransferKeepsTheCopyServedBefore() throws Exception {
    try (FakePrimary primary = new FakePrimary(zone(1, "192.0.2.1"));
        Corvus s = Corvus.builder().corefile("example.net:0 {\n secondary {\n  transfer from 127.0.0.1:" + primary.port()
            + "\n }\n}\n").dnsPort(0).start()) {
      DnsClient client = new DnsClient(s.udpAddress(), Duration.ofSeconds(2));
      assertEquals("whole", primary.awaitTransfer());
      dev.corvus.dns.testkit.Poll.until(Duration.ofSeconds(5), () -> {
        try {
          return www(client).equals("192.0.2.1");
        } catch (Exception e) {
          return false;
        }
      });
      assertEquals("192.0.2.1", www(client));

      // serial 2 carries a record outside the zone: refused as a whole
      primary.serve(zone(2, "192.0.2.2",
          new ARecord(Name.fromString("evil.example.com."), DClass.IN, 3600, InetAddress.getByName("192.0.2.66"))), false);
      notifyFromPrimary(client);
      assertEquals("whole", primary.awaitTransfer());
      assertEquals("192.0.2.1", www(client), "the copy with serial 1 is still served");

      // serial 3 stops half-way
      primary.serve(zone(3, "192.0.2.3"), true);
      notifyFromPrimary(client);
      assertEquals("cut", primary.awaitTransfer());
      assertEquals("192.0.2.1", www(client), "the copy with serial 1 is still served");

      // and a good serial 4 is taken
      primary.serve(zone(4, "192.0.2.4"), false);
      notifyFromPrimary(client);
      assertEquals("whole", primary.awaitTransfer());
      dev.corvus.dns.testkit.Poll.until(Duration.ofSeconds(5), () -> {
        try {
          return www(client).equals("192.0.2.4");
        } catch (Exception e) {
          return false;
        }
      });
      assertEquals("192.0.2.4", www(client));
    }
  }
}
