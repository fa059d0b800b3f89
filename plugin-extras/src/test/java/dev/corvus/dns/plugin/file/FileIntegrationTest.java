package dev.corvus.dns.plugin.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code file} in a real server, over UDP and TCP. */
class FileIntegrationTest {

  @TempDir Path dir;

  @Test
  void servesTheZoneAuthoritatively() throws Exception {
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, FileFactoryTest.ZONE);
    try (Corvus s = Corvus.builder().corefile("example.org:0 {\n file " + zone + "\n}\n").dnsPort(0).start()) {
      DnsClient udp = new DnsClient(s.udpAddress());
      Message www = udp.udp("www.example.org.", Type.A);
      assertTrue(www.getHeader().getFlag(Flags.AA));
      assertEquals("192.0.2.1", www.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(3, udp.udp("chain.example.org.", Type.A).getSection(Section.ANSWER).size());
      assertEquals("x.wild.example.org.", udp.udp("x.wild.example.org.", Type.A).getSection(Section.ANSWER).get(0).getName().toString());
      Message referral = udp.udp("deep.sub.example.org.", Type.A);
      assertFalse(referral.getHeader().getFlag(Flags.AA));
      assertEquals(Type.NS, referral.getSection(Section.AUTHORITY).get(0).getType());
      Message nx = udp.udp("missing.example.org.", Type.A);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());
      assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
      assertEquals(Rcode.REFUSED, new DnsClient(s.tcpAddress()).tcp("example.org.", Type.AXFR).getRcode());
    }
  }

  @Test
  void badZoneFileFailsStartupWithFileAndLine() throws Exception {
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, "$ORIGIN example.org.\n@ 3600 IN SOA ns1 hostmaster 1 2 3 4 5\n@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.300\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile("example.org:0 {\n file " + zone + "\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(zone + ":4"), e.getMessage());
  }
}
