package dev.corvus.dns.plugin.bufsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class BufsizeTest {

  private final PluginTestKit kit = new PluginTestKit();

  private int passedOnPayload(String directive, int clientPayload) throws Exception {
    TestBackend next = TestBackend.answering(Rcode.NOERROR);
    Message query = Queries.query("example.org.", Type.A);
    query.addRecord(new OPTRecord(clientPayload, 0, 0), Section.ADDITIONAL);
    next.run(Queries.request(query), kit.create(new BufsizeFactory(), directive).handler().orElseThrow());
    return next.requests().get(0).opt().getPayloadSize();
  }

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void capsThePayloadSizePassedOn() throws Exception {
    assertEquals(1232, passedOnPayload("bufsize", 4096));
    assertEquals(1100, passedOnPayload("bufsize 1100", 4096));
    assertEquals(800, passedOnPayload("bufsize 1100", 800));
  }

  @Test
  void queriesWithoutEdnsStayWithoutIt() throws Exception {
    TestBackend next = TestBackend.answering(Rcode.NOERROR);
    next.run(Queries.request("example.org.", Type.A), kit.create(new BufsizeFactory(), "bufsize 1100").handler().orElseThrow());
    assertNull(next.requests().get(0).opt());
  }

  @Test
  void servesInARealServer() throws Exception {
    String corefile = ".:0 {\n bufsize 1100\n template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      Message m = new DnsClient(s.udpAddress()).udp(Queries.ednsQuery("example.org.", Type.A));
      assertEquals(Rcode.NOERROR, m.getRcode());
    }
  }

  @Test
  void sizeOutsideRfc6891RangeIsRejected() {
    for (String bad : List.of("bufsize 511", "bufsize 4097", "bufsize big", "bufsize 1232 1232")) {
      assertThrows(ConfigException.class, () -> kit.create(new BufsizeFactory(), bad), bad);
    }
  }
}
