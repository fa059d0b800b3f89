package dev.corvus.dns.plugin.whoami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class WhoamiIntegrationTest {

  @Test
  void answersOverUdpAndTcpWithTheClientsAddressAndPort() throws Exception {
    try (Corvus server = Corvus.builder().corefile("example.org:0 {\n bind 127.0.0.1\n whoami\n}").dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      for (String proto : List.of("udp", "tcp")) {
        Message response = proto.equals("udp") ? client.udp("www.example.org.", Type.A) : client.tcp("www.example.org.", Type.A);
        assertEquals(Rcode.NOERROR, response.getRcode());
        assertTrue(response.getHeader().getFlag(Flags.AA));
        assertTrue(response.getSection(Section.ANSWER).isEmpty());
        List<Record> extra = response.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT).toList();
        assertEquals(2, extra.size(), extra.toString());
        ARecord a = (ARecord) extra.get(0);
        assertEquals(InetAddress.getByName("127.0.0.1"), a.getAddress());
        assertEquals(Name.fromConstantString("www.example.org."), a.getName());
        assertEquals(0, a.getTTL());
        SRVRecord srv = (SRVRecord) extra.get(1);
        assertEquals(Name.fromConstantString("_" + proto + ".www.example.org."), srv.getName());
        assertTrue(srv.getPort() > 0);
        assertEquals(0, srv.getTTL());
      }
    }
  }
}
