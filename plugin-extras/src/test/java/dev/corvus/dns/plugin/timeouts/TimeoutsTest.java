package dev.corvus.dns.plugin.timeouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class TimeoutsTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void validOptionsLoadWithAWarningThatTheyAreNotApplied() throws Exception {
    DirectiveConfig reader = kit.config("timeouts {\n read 10s\n write 20s\n idle 60s\n maxtcpqueries 128\n}");
    new TimeoutsFactory().create(reader, kit.context());
    reader.finish();
    assertEquals(1, reader.warnings().size());
    assertTrue(reader.warnings().get(0).contains("not applied"), reader.warnings().get(0));
  }

  @Test
  void aServerWithTimeoutsServes() throws Exception {
    String corefile =
        ".:0 {\n timeouts {\n  read 10s\n }\n template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.tcpAddress()).tcp("example.org.", Type.A).getRcode());
    }
  }

  @Test
  void invalidValuesAreRejected() {
    for (String bad : List.of(
        "timeouts",
        "timeouts 10s",
        "timeouts {\n read 500ms\n}",
        "timeouts {\n idle 25h\n}",
        "timeouts {\n write soon\n}",
        "timeouts {\n maxtcpqueries 0\n}",
        "timeouts {\n maxtcpqueries -2\n}",
        "timeouts {\n read 10s 20s\n}",
        "timeouts {\n linger 10s\n}")) {
      assertThrows(ConfigException.class, () -> kit.create(new TimeoutsFactory(), bad), bad);
    }
  }
}
