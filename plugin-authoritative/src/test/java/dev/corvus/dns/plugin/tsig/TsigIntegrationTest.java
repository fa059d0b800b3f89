package dev.corvus.dns.plugin.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Nsd;
import dev.corvus.dns.testkit.peers.Peers;
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
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** {@code tsig} with {@code transfer} and {@code file}: signed queries and transfers with dnsjava, kdig and NSD. */
class TsigIntegrationTest {

  static final String SECRET = "NoTCJU+DMqFWywaPyxSijrDEA/eC3nK0xi3AMEZuPVk=";
  static final String OTHER = "X28hl0BOfAL5G0jsmJWSacrwn7YRm2f6U5brnzwWEus=";
  static final String ZONE = """
      $ORIGIN example.org.
      $TTL 3600
      @    IN SOA ns1.example.org. hostmaster.example.org. %d 7200 3600 1209600 300
           IN NS  ns1.example.org.
      ns1  IN A   192.0.2.53
      www  IN A   192.0.2.10
      """;

  @TempDir Path dir;

  private Corvus serve(long serial, String transferTo) throws Exception {
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, ZONE.formatted(serial));
    return Corvus.builder().corefile("example.org:0 {\n tsig {\n  secret xfr.key. " + SECRET + "\n  require AXFR IXFR\n }\n"
        + " file " + zone + " {\n  reload 200ms\n }\n transfer {\n  to " + transferTo + "\n }\n}\n").dnsPort(0).start();
  }

  private static TSIG key(String secret) throws Exception {
    return new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr.key."), secret);
  }

  @Test
  void signedTransferIsSignedAndUnsignedOneRefused() throws Exception {
    try (Corvus s = serve(1, "*")) {
      Name origin = Name.fromString("example.org.");
      ZoneTransferIn signed = ZoneTransferIn.newAXFR(origin, s.tcpAddress(), key(SECRET));
      signed.run(); // dnsjava verifies every message's TSIG and fails the transfer otherwise
      assertEquals(5, signed.getAXFR().size());

      assertEquals(Rcode.REFUSED, new DnsClient(s.tcpAddress()).tcp("example.org.", Type.AXFR).getRcode());

      ZoneTransferIn wrong = ZoneTransferIn.newAXFR(origin, s.tcpAddress(), key(OTHER));
      assertThrows(ZoneTransferException.class, wrong::run);
    }
  }

  @Test
  void badSignatureAndUnknownKeyAreAnsweredNotAuthWithTheTsigError() throws Exception {
    try (Corvus s = serve(1, "*")) {
      DnsClient client = new DnsClient(s.udpAddress());
      Message query = DnsClient.newQuery("www.example.org.", Type.A);
      query.setTSIG(key(OTHER));
      Message bad = new Message(client.udpRaw(query.toWire(512)));
      assertEquals(Rcode.NOTAUTH, bad.getRcode());
      TSIGRecord tsig = bad.getTSIG();
      assertNotNull(tsig);
      assertEquals(Rcode.BADSIG, tsig.getError());
      assertEquals(0, tsig.getSignature().length);

      Message unknown = DnsClient.newQuery("www.example.org.", Type.A);
      unknown.setTSIG(new TSIG(TSIG.HMAC_SHA256, Name.fromString("nobody."), SECRET));
      Message badKey = new Message(client.udpRaw(unknown.toWire(512)));
      assertEquals(Rcode.NOTAUTH, badKey.getRcode());
      assertEquals(Rcode.BADKEY, badKey.getTSIG().getError());

      // a good signature: the answer is signed, and verifies against the query's MAC
      Message good = DnsClient.newQuery("www.example.org.", Type.A);
      good.setTSIG(key(SECRET));
      byte[] goodWire = good.toWire(512);
      TSIGRecord sent = new Message(goodWire).getTSIG();
      byte[] answerWire = client.udpRaw(goodWire);
      Message answer = new Message(answerWire);
      assertEquals(Rcode.NOERROR, answer.getRcode());
      assertEquals("192.0.2.10", answer.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(Rcode.NOERROR, key(SECRET).verify(answer, answerWire, sent));
    }
  }

  @Test
  void kdigAndDigTransferWithTheKeyAndFailWithAnother() throws Exception {
    String kdig = Peers.require("kdig", "knot-dnsutils");
    String dig = Peers.require("dig", "dnsutils");
    try (Corvus s = serve(1, "*")) {
      String port = String.valueOf(s.tcpAddress().getPort());
      Peers.Output ok = Peers.run(kdig, "@127.0.0.1", "-p", port, "-y", "hmac-sha256:xfr.key:" + SECRET,
          "example.org.", "AXFR");
      System.out.println("kdig -y AXFR:\n" + ok.text());
      assertEquals(0, ok.exitCode(), ok.text());
      assertTrue(ok.text().contains("www.example.org.") && ok.text().contains("TSIG"), ok.text());

      Peers.Output digOk = Peers.run(dig, "@127.0.0.1", "-p", port, "-y", "hmac-sha256:xfr.key:" + SECRET,
          "example.org.", "AXFR");
      System.out.println("dig -y AXFR:\n" + digOk.text());
      assertTrue(digOk.text().contains("www.example.org.") && !digOk.text().contains("failed"), digOk.text());

      Peers.Output wrong = Peers.run(kdig, "@127.0.0.1", "-p", port, "-y", "hmac-sha256:xfr.key:" + OTHER,
          "example.org.", "AXFR");
      System.out.println("kdig -y (wrong key) AXFR:\n" + wrong.text());
      assertTrue(!wrong.text().contains("www.example.org.") && wrong.text().contains("BADSIG"), wrong.text());
    }
  }

  @Test
  void nsdTransfersWithTheSharedKey() throws Exception {
    int nsdPort = Peers.freePort();
    try (Corvus s = serve(300, "127.0.0.1:" + nsdPort);
        Nsd nsd = Nsd.start(dir.resolve("nsd"), nsdPort, """
            key:
              name: xfr.key
              algorithm: hmac-sha256
              secret: "%s"
            zone:
              name: example.org
              zonefile: example.org.zone
              allow-notify: 127.0.0.1 NOKEY
              request-xfr: AXFR 127.0.0.1@%d xfr.key
            """.formatted(SECRET, s.tcpAddress().getPort()))) {
      DnsClient nsdClient = nsd.client();
      assertTrue(Poll.until(Duration.ofSeconds(20), () -> serial(nsdClient) == 300),
          "NSD did not transfer the zone with the key: " + nsd.log());
      Files.writeString(dir.resolve("db.example.org"), ZONE.formatted(301));
      assertTrue(Poll.until(Duration.ofSeconds(20), () -> serial(nsdClient) == 301),
          "NSD did not pick up serial 301: " + nsd.log());
      String log = nsd.log();
      System.out.println("NSD log (TSIG):\n" + log);
      assertTrue(log.contains("serial 301") && log.contains("TSIG verified with key xfr.key"), log);
    }
  }

  @Test
  void configurationErrorsNameTheLine() throws Exception {
    Path keys = dir.resolve("keys.conf");
    Files.writeString(keys, "key \"a.\" {\n  algorithm hmac-sha256;\n  secret \"" + SECRET + "\";\n};\nkey \"b.\" {\n  bogus;\n};\n");
    ConfigException file = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("example.org:0 {\n tsig {\n  secrets " + keys + "\n }\n whoami\n}\n").dnsPort(0).start().close());
    assertTrue(file.getMessage().contains(keys + ":6: unexpected token \"bogus;\""), file.getMessage());
    ConfigException base64 = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("example.org:0 {\n tsig {\n  secret a. !!!\n }\n whoami\n}\n").dnsPort(0).start().close());
    assertTrue(base64.getMessage().contains(":3: tsig") && base64.getMessage().contains("base64"), base64.getMessage());
    ConfigException type = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("example.org:0 {\n tsig {\n  require AXFR BOGUS\n }\n whoami\n}\n").dnsPort(0).start().close());
    assertTrue(type.getMessage().contains("unknown query type 'BOGUS'"), type.getMessage());
  }

  private static long serial(DnsClient client) {
    try {
      List<Record> soa = client.udp("example.org.", Type.SOA).getSection(Section.ANSWER);
      return soa.isEmpty() ? -1 : ((SOARecord) soa.get(0)).getSerial();
    } catch (Exception e) {
      return -1;
    }
  }
}
