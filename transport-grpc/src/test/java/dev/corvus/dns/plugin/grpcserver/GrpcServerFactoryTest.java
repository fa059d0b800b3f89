package dev.corvus.dns.plugin.grpcserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;

/**
 * The {@code grpc_server} directive, with the cases of CoreDNS's {@code grpc_server/setup_test.go}; the
 * kit puts the directive on line 2, below its server block's key.
 */
class GrpcServerFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  private GrpcServerSettings parse(String text) throws ConfigException {
    return (GrpcServerSettings) kit.create(new GrpcServerFactory(), "grpc://.:8053", text);
  }

  @Test
  void readsLimitsWithCorednsDefaultsAndZeroForUnbounded() throws Exception {
    String[][] cases = {
        {"grpc_server", "256", "200"},
        {"grpc_server {\n}", "256", "200"},
        {"grpc_server {\n max_streams 100\n}", "100", "200"},
        {"grpc_server {\n max_connections 200\n}", "256", "200"},
        {"grpc_server {\n max_streams 50\n max_connections 100\n}", "50", "100"},
        {"grpc_server {\n max_streams 0\n}", "0", "200"},
        {"grpc_server {\n max_connections 0\n}", "256", "0"},
    };
    for (String[] c : cases) {
      assertEquals(new GrpcServerSettings(Integer.parseInt(c[1]), Integer.parseInt(c[2])), parse(c[0]), c[0]);
    }
  }

  @Test
  void rejectsWhatCorednsRejectsAtItsLine() {
    String[][] cases = {
        {"grpc_server {\n max_streams\n}", ":3: grpc_server: max_streams"},
        {"grpc_server {\n max_streams abc\n}", ":3: grpc_server: max_streams"},
        {"grpc_server {\n max_streams -1\n}", ":3: grpc_server: max_streams"},
        {"grpc_server {\n max_connections\n}", ":3: grpc_server: max_connections"},
        {"grpc_server {\n max_connections xyz\n}", ":3: grpc_server: max_connections"},
        {"grpc_server {\n max_connections -1\n}", ":3: grpc_server: max_connections"},
        {"grpc_server {\n max_streams 1 2\n}", ":3: grpc_server: max_streams"},
        {"grpc_server {\n max_streams 1\n max_streams 2\n}", ":4: grpc_server: max_streams: max_streams already defined"},
        {"grpc_server {\n max_connections 1\n max_connections 2\n}", ":4: grpc_server: max_connections: max_connections already defined"},
        {"grpc_server {\n unknown_option 123\n}", ":3: grpc_server: unknown"},
        {"grpc_server extra", ":2: grpc_server"},
    };
    for (String[] c : cases) {
      ConfigException error = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(error.getMessage().contains(c[1]), c[0] + " -> " + error.getMessage());
    }
  }
}
