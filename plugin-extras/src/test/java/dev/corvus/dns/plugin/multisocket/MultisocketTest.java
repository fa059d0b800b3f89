package dev.corvus.dns.plugin.multisocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** CoreDNS's multisocket_test.go table, and the README's Corefile in a real server. */
class MultisocketTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void close() {
    kit.close();
  }

  @Test
  void coreDnsAcceptedCasesWarn() throws ConfigException {
    for (String ok : List.of("multisocket", "multisocket 2", "multisocket 1024", " multisocket 1")) {
      DirectiveConfig config = kit.config(ok);
      new MultisocketFactory().create(config, kit.context());
      config.finish();
      assertEquals(1, config.warnings().size(), ok);
      assertTrue(config.warnings().get(0).contains("has no effect"), config.warnings().get(0));
    }
  }

  @Test
  void coreDnsRejectedCasesAreErrorsWithCoreDnsText() {
    Map<String, String> bad = Map.of(
        "multisocket text", "invalid num sockets",
        "multisocket 0", "num sockets can not be zero or negative",
        "multisocket -1", "num sockets can not be zero or negative",
        "multisocket 1025", "num sockets exceeds maximum",
        "multisocket 2 2", "",
        "multisocket 2 {\n something\n}", "");
    bad.forEach((corefile, text) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> {
        DirectiveConfig config = kit.config(corefile);
        new MultisocketFactory().create(config, kit.context());
        config.finish();
      }, corefile);
      assertTrue(e.getMessage().contains(text), e.getMessage());
    });
  }

  @Test
  void theReadmeCorefileServesOverUdpAndTcp() throws Exception {
    try (Corvus s = Corvus.builder().corefile(".:0 {\n multisocket 5\n whoami\n}\n").dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      assertEquals(Rcode.NOERROR, c.udp("a.example.org.", Type.A).getRcode());
      assertEquals(Rcode.NOERROR, c.tcp("a.example.org.", Type.A).getRcode());
    }
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n whoami\n multisocket 0\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(":3: multisocket"), e.getMessage());
  }
}
