package dev.corvus.dns.plugin.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;

/** The {@code https} directive's options, as CoreDNS's setup reads them. */
class HttpsFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  @Test
  void defaultsTo200ConnectionsAndTakesZeroForUnbounded() throws Exception {
    assertEquals(new HttpsSettings(200), kit.create(new HttpsFactory(), "https"));
    assertEquals(new HttpsSettings(0), kit.create(new HttpsFactory(), "https {\n max_connections 0\n}"));
    assertEquals(new HttpsSettings(100), kit.create(new HttpsFactory(), "https {\n max_connections 100\n}"));
  }

  @Test
  void rejectsWhatCoreDnsRejects() {
    String[][] cases = {
        {"https extra", "unexpected"},
        {"https {\n max_connections -1\n}", "max_connections"},
        {"https {\n max_connections\n}", "max_connections"},
        {"https {\n max_connections 1 2\n}", ""},
        {"https {\n max_connections 1\n max_connections 2\n}", "already defined"},
        {"https {\n trusted_proxies 10.0.0.0/8\n}", "trusted_proxies"},
    };
    for (String[] testCase : cases) {
      ConfigException error = assertThrows(ConfigException.class, () -> kit.create(new HttpsFactory(), testCase[0]), testCase[0]);
      assertTrue(error.getMessage().contains(testCase[1]), testCase[0] + " -> " + error.getMessage());
    }
  }
}
