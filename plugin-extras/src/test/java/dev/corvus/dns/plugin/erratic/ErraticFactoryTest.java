package dev.corvus.dns.plugin.erratic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CoreDNS's TestParseErratic table (plugin/erratic/setup_test.go), case by case. */
class ErraticFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void close() {
    kit.close();
  }

  private void accepts(String corefile, long drop, long delay, long truncate) throws ConfigException {
    ErraticConfig config = ErraticFactory.parse(kit.config(corefile));
    assertEquals(List.of(drop, delay, truncate), List.of(config.drop(), config.delay(), config.truncate()), corefile);
  }

  @Test
  void coreDnsOkCases() throws ConfigException {
    accepts("erratic", 2, 0, 0);
    accepts("erratic {\n drop 2\n delay 3 1ms\n}", 2, 3, 0);
    accepts("erratic {\n truncate 2\n delay 3 1ms\n}", 0, 3, 2);
    accepts("erratic {\n drop 3\n delay\n}", 3, 2, 0);
    accepts("erratic {\n drop 3\n truncate\n}", 3, 0, 2);
    assertEquals(Duration.ofMillis(100), ErraticFactory.parse(kit.config("erratic {\n delay\n}")).duration());
  }

  @Test
  void coreDnsFailCases() {
    for (String bad : List.of("erratic {\n drop -1\n}", "erratic {\n delay -1\n}", "erratic {\n delay 1 2 4\n}",
        "erratic {\n delay 15.a\n}", "erratic {\n drop 3\n delay 3 bla\n}", "erratic {\n truncate 15.a\n}",
        "erratic {\n something-else\n}")) {
      assertThrows(ConfigException.class, () -> ErraticFactory.parse(kit.config(bad)), bad);
    }
  }
}
