package dev.corvus.dns.server.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.server.testplugins.TestPlugins;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class PluginTestKitTest {

  @Test
  void createsAPluginFromCorefileTextAndRunsItsHandler() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      Plugin plugin = kit.create(new TestPlugins.Records(), "example.:53",
          "records {\n a.example. 60 IN A 192.0.2.7\n}");
      Message answer = kit.handle(plugin, kit.request("a.example.", Type.A), PluginTestKit.nxdomain());
      assertEquals("192.0.2.7", answer.getSection(Section.ANSWER).get(0).rdataToString());
      Message miss = kit.handle(plugin, kit.request("b.example.", Type.A), PluginTestKit.nxdomain());
      assertEquals(Rcode.NXDOMAIN, miss.getRcode());
    }
  }

  @Test
  void reportsConfigurationErrorsWithTheirLine() {
    try (PluginTestKit kit = new PluginTestKit()) {
      ConfigException error = assertThrows(ConfigException.class,
          () -> kit.create(new TestPlugins.Many(), ".:53", "many lots"));
      assertTrue(error.getMessage().startsWith("<test>:2: many: "), error.getMessage());
    }
  }
}
