package dev.corvus.dns.plugin.nsid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Queries;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Type;

class NsidTest {

  private static final String BACKEND = " template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n";

  private static byte[] data(EDNSOption option) {
    byte[] wire = option.toWire();
    return Arrays.copyOfRange(wire, 4, wire.length);
  }

  @Test
  void answersAnNsidRequestWithTheConfiguredData() throws Exception {
    try (Corvus s = Corvus.builder().corefile(".:0 {\n nsid Use The Force\n" + BACKEND + "}\n").dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      Message m = c.udp(Queries.ednsQuery("example.org.", Type.A, new NSIDOption(new byte[0])));
      assertArrayEquals("Use The Force".getBytes(StandardCharsets.UTF_8),
          data(m.getOPT().getOptions(EDNSOption.Code.NSID).get(0)));
      Message without = c.udp(Queries.ednsQuery("example.org.", Type.A));
      assertTrue(without.getOPT().getOptions(EDNSOption.Code.NSID).isEmpty(), "no NSID unless asked");
    }
  }

  @Test
  void defaultsToTheHostName() throws Exception {
    try (Corvus s = Corvus.builder().corefile(".:0 {\n nsid\n" + BACKEND + "}\n").dnsPort(0).start()) {
      Message m = new DnsClient(s.udpAddress()).udp(
          Queries.ednsQuery("example.org.", Type.A, new NSIDOption(new byte[0])));
      assertTrue(data(m.getOPT().getOptions(EDNSOption.Code.NSID).get(0)).length > 0);
    }
  }

  @Test
  void aBlockIsRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n nsid {\n  data x\n }\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains("nsid"), e.getMessage());
  }
}
