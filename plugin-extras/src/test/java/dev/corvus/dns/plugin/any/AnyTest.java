package dev.corvus.dns.plugin.any;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AnyTest {

  @Test
  void anyIsAnsweredWithTheRfc8482HinfoAndOtherTypesGoOn() throws Exception {
    String corefile = ".:0 {\n any\n template IN A example.org {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient client = new DnsClient(s.udpAddress());
      Message any = client.udp("example.org.", Type.ANY);
      assertEquals(Rcode.NOERROR, any.getRcode());
      HINFORecord hinfo = (HINFORecord) any.getSection(Section.ANSWER).get(0);
      assertEquals("ANY obsoleted", hinfo.getCPU());
      assertEquals("See RFC 8482", hinfo.getOS());
      assertEquals(8482, hinfo.getTTL());
      assertEquals("example.org.", hinfo.getName().toString());
      Message a = client.tcp("example.org.", Type.A);
      assertEquals(Type.A, a.getSection(Section.ANSWER).get(0).getType());
    }
  }

  @Test
  void argumentsAreRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n any please\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(":2"), e.getMessage());
  }
}
