package dev.corvus.dns.plugin.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class LocalTest {

  private static final String BACKEND = " template ANY ANY {\n  rcode REFUSED\n }\n";

  @Test
  void answersLocalhostAndItsReverseZones() throws Exception {
    try (Corvus s = Corvus.builder().corefile(".:0 {\n local\n" + BACKEND + "}\n").dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      Message a = c.udp("localhost.", Type.A);
      assertEquals("127.0.0.1", a.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(604800, a.getSection(Section.ANSWER).get(0).getTTL());
      assertEquals(java.net.InetAddress.getByName("::1"),
          ((org.xbill.DNS.AAAARecord) c.udp("localhost.", Type.AAAA).getSection(Section.ANSWER).get(0)).getAddress());
      assertEquals(Type.SOA, c.udp("localhost.", Type.SOA).getSection(Section.ANSWER).get(0).getType());
      assertEquals("localhost.", c.udp("localhost.", Type.NS).getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals("localhost.", c.udp("1.0.0.127.in-addr.arpa.", Type.PTR).getSection(Section.ANSWER).get(0).rdataToString());
      Message nx = c.udp("2.0.0.127.in-addr.arpa.", Type.PTR);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());
      assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
      Message nodata = c.udp("127.in-addr.arpa.", Type.A);
      assertEquals(Rcode.NOERROR, nodata.getRcode());
      assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
      // RFC 6761: anything below localhost is loopback
      assertEquals("127.0.0.1", c.udp("app.localhost.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      // the legacy prefix (on by default)
      assertEquals("127.0.0.1", c.udp("localhost.example.org.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      // anything else goes on
      assertEquals(Rcode.REFUSED, c.udp("example.org.", Type.A).getRcode());
    }
  }

  @Test
  void legacyPrefixCanBeTurnedOff() throws Exception {
    String corefile = ".:0 {\n local {\n  localhost_prefix off\n }\n" + BACKEND + "}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.REFUSED, new DnsClient(s.udpAddress()).udp("localhost.example.org.", Type.A).getRcode());
    }
  }

  @Test
  void badOptionsAreRejectedWithTheirLine() {
    for (String[] bad : new String[][] {
        {" local {\n  localhost_prefix maybe\n }\n", ":3"},
        {" local {\n  prefix on\n }\n", ":3"},
        {" local now\n", ":2"}}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Corvus.builder().corefile(".:0 {\n" + bad[0] + "}\n").dnsPort(0).start().close());
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }
}
