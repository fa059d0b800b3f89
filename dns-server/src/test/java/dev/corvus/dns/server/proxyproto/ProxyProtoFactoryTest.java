package dev.corvus.dns.server.proxyproto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.config.CorefileCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CoreDNS's plugin/proxyproto/setup_test.go table, through {@code corvus check}. */
class ProxyProtoFactoryTest {

  @TempDir
  Path dir;

  private CorefileCheck.Result check(String directive) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n" + directive + "\n}\n");
    return CorefileCheck.check(corefile, null, Map.of(), 53);
  }

  @Test
  void acceptsWhatCorednsAccepts() throws Exception {
    for (String input : new String[] {
        "proxyproto",
        "proxyproto {\nallow 127.0.0.1/8 ::1/128\n}",
        "proxyproto {\nallow 127.0.0.1/8 ::1/128\ndefault ignore\n}",
        "proxyproto {\nallow\n}",
        "proxyproto {\nudp_session_tracking 28s\n}",
        "proxyproto {\nallow 10.0.0.0/8\nudp_session_tracking 1m\n}",
        "proxyproto {\nudp_session_tracking 28s 20000\n}",
        "proxyproto {\nallow 10.0.0.0/8\nudp_session_tracking 1m 500\n}",
        "proxyproto {\ndefault USE\n}",
    }) {
      CorefileCheck.Result result = check(input);
      assertTrue(result.valid(), input + ": " + result.errors());
    }
  }

  @Test
  void rejectsWhatCorednsRejectsAtItsLine() throws Exception {
    String[][] cases = {
        {"proxyproto {\nunknown\n}", "unknown"},
        {"proxyproto extra_arg", "extra_arg"},
        {"proxyproto {\nallow invalid_ip\n}", "invalid_ip"},
        {"proxyproto {\nallow 127.0.0.1/8\ndefault invalid_policy\n}", "invalid_policy"},
        {"proxyproto {\nudp_session_tracking\n}", "udp_session_tracking"},
        {"proxyproto {\nudp_session_tracking 28s 100 extra\n}", "extra"},
        {"proxyproto {\nudp_session_tracking notaduration\n}", "notaduration"},
        {"proxyproto {\nudp_session_tracking 28s notanumber\n}", "notanumber"},
        {"proxyproto {\nudp_session_tracking 28s 0\n}", "max sessions"},
        {"proxyproto {\nudp_session_tracking 28s -1\n}", "max sessions"},
    };
    for (String[] c : cases) {
      CorefileCheck.Result result = check(c[0]);
      assertEquals(1, result.errors().size(), c[0] + ": " + result.errors());
      String error = result.errors().get(0);
      assertTrue(error.contains("proxyproto") && error.contains(c[1]) && error.matches("(?s).*Corefile:\\d+.*"),
          c[0] + " -> " + error);
    }
  }
}
