package dev.corvus.dns.plugin.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.https3.Https3Factory;
import dev.corvus.dns.plugin.https3.Https3Settings;
import dev.corvus.dns.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;

/** The {@code quic} and {@code https3} directives' options, as CoreDNS's setups read them. */
class QuicDirectivesTest {

  private final PluginTestKit kit = new PluginTestKit();

  @Test
  void quicTakesPositiveMaxStreamsAndWorkerPoolSize() throws Exception {
    assertEquals(new QuicSettings(256, 512), kit.create(new QuicFactory(), "quic"));
    assertEquals(new QuicSettings(16, 65536),
        kit.create(new QuicFactory(), "quic {\n max_streams 16\n worker_pool_size 65536\n}"));
    rejects(new QuicFactory(), "quic {\n max_streams 0\n}", "max_streams");
    rejects(new QuicFactory(), "quic {\n worker_pool_size -3\n}", "worker_pool_size");
    rejects(new QuicFactory(), "quic {\n max_streams 1\n max_streams 2\n}", "already defined");
    rejects(new QuicFactory(), "quic {\n max_connections 5\n}", "max_connections");
    rejects(new QuicFactory(), "quic 5", "");
  }

  @Test
  void https3TakesZeroForTheDefaults() throws Exception {
    assertEquals(new Https3Settings(256, 200), kit.create(new Https3Factory(), "https3"));
    assertEquals(new Https3Settings(0, 0),
        kit.create(new Https3Factory(), "https3 {\n max_streams 0\n max_connections 0\n}"));
    rejects(new Https3Factory(), "https3 {\n max_streams -1\n}", "max_streams");
    rejects(new Https3Factory(), "https3 {\n max_connections 1\n max_connections 1\n}", "already defined");
    rejects(new Https3Factory(), "https3 {\n worker_pool_size 1\n}", "worker_pool_size");
  }

  private void rejects(PluginFactory factory, String config, String expected) {
    ConfigException error = assertThrows(ConfigException.class, () -> kit.create(factory, config), config);
    assertTrue(error.getMessage().contains(expected), config + " -> " + error.getMessage());
  }
}
