package dev.corvus.dns.plugin.nomad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** CoreDNS's nomad setup tests: defaults, options, and errors with file and line. */
class NomadFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  private NomadConfig parse(Map<String, String> env, String directive) throws ConfigException {
    DirectiveConfig reader = kit.config("service.nomad", directive);
    NomadConfig config = new NomadFactory(env).parse(reader);
    reader.finish();
    return config;
  }

  @Test
  void defaults() throws Exception {
    NomadConfig config = parse(Map.of(), "nomad");
    assertEquals(Name.fromString("service.nomad."), config.zone());
    assertEquals(List.of(URI.create("http://127.0.0.1:4646")), config.addresses());
    assertEquals(30, config.ttl());
    assertEquals(Optional.empty(), config.token());
    NomadConfig env = parse(Map.of("NOMAD_ADDR", "http://10.0.0.1:4646", "NOMAD_TOKEN", "t"), "nomad");
    assertEquals(List.of(URI.create("http://10.0.0.1:4646")), env.addresses());
    assertEquals(Optional.of("t"), env.token());
  }

  @Test
  void options() throws Exception {
    NomadConfig config = parse(Map.of(), "nomad service.nomad {\n address http://127.0.0.1:4646 http://127.0.0.2:4646\n"
        + " filter \"x == y\"\n token abc\n ttl 0\n}");
    assertEquals(2, config.addresses().size());
    assertEquals("x == y", config.filter());
    assertEquals(Optional.of("abc"), config.token());
    assertEquals(0, config.ttl());
    assertTrue(!config.toString().contains("abc"));
  }

  @Test
  void errorsNameTheLine() {
    List<String[]> cases = List.of(
        new String[] {"nomad {\n ttl 3601\n}", "<test>:3: nomad: ttl: ttl must be in range [0, 3600]: 3601"},
        new String[] {"nomad {\n ttl -1\n}", "<test>:3: nomad: ttl: ttl must be in range [0, 3600]: -1"},
        new String[] {"nomad {\n ttl 1 2\n}", "<test>:3: nomad: ttl: exactly one ttl value is required"},
        new String[] {"nomad {\n ttl ten\n}", "<test>:3: nomad: ttl: error parsing ttl"},
        new String[] {"nomad {\n address\n}", "<test>:3: nomad: address: at least one address is required"},
        new String[] {"nomad {\n address unix:///secrets/api.sock\n}", "<test>:3: nomad: address: expected an http:// or https:// address"},
        new String[] {"nomad {\n token a b\n}", "<test>:3: nomad: token: exactly one token is required"},
        new String[] {"nomad {\n filter\n}", "<test>:3: nomad: filter: exactly one filter is required"},
        new String[] {"nomad {\n adress x\n}", "<test>:3: nomad: "});
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }
}
