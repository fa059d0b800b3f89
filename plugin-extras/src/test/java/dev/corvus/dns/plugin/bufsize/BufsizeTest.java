package dev.corvus.dns.plugin.bufsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.hosts.testkit.EmbeddedServer;
import dev.corvus.dns.plugin.hosts.testkit.Pipeline;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testkit.PluginTestKit;
import dev.corvus.dns.server.testkit.Queries;
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
    Pipeline p = Pipeline.of(kit.create(new BufsizeFactory(), directive).handler().orElseThrow(),
        Pipeline.answering(Rcode.NOERROR));
    Message query = Queries.query("example.org.", Type.A);
    query.addRecord(new OPTRecord(clientPayload, 0, 0), Section.ADDITIONAL);
    p.run(Queries.request(query));
    return p.reachedBackend().get(0).opt().getPayloadSize();
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
    Pipeline p = Pipeline.of(kit.create(new BufsizeFactory(), "bufsize 1100").handler().orElseThrow(),
        Pipeline.answering(Rcode.NOERROR));
    p.run(Queries.request("example.org.", Type.A));
    assertNull(p.reachedBackend().get(0).opt());
  }

  @Test
  void servesInARealServer() throws Exception {
    try (Corvus s = EmbeddedServer.start(
        ".:0 {\n bufsize 1100\n template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n")) {
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
