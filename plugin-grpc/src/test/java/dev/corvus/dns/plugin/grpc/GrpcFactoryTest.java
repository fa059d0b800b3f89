package dev.corvus.dns.plugin.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.grpc.pb.Certificates;
import dev.corvus.dns.server.config.CorefileCheck;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * The {@code grpc} directive's parsing, with the cases of CoreDNS's {@code setup_test.go} and
 * {@code setup_policy_test.go}; errors name the Corefile line ({@code <test>:2} is the
 * directive's own line, below the server key).
 */
class GrpcFactoryTest {

  @TempDir
  Path dir;

  private PluginTestKit kit() {
    return new PluginTestKit().baseDirectory(dir);
  }

  private GrpcConfig parse(String text) throws ConfigException {
    PluginTestKit kit = kit();
    DirectiveConfig config = kit.config(text);
    GrpcConfig parsed = GrpcFactory.parse(config, kit.ioLoops());
    config.finish();
    return parsed;
  }

  private static List<String> labels(GrpcConfig config) {
    return config.upstreams().stream().map(UpstreamAddress::label).toList();
  }

  @Test
  void readsCorednsAcceptedForms() throws Exception {
    String[][] cases = {
        {"grpc . 127.0.0.1", "127.0.0.1:53"},
        {"grpc . 127.0.0.1 {\nexcept miek.nl\n}", "127.0.0.1:53"},
        {"grpc . 127.0.0.1:53", "127.0.0.1:53"},
        {"grpc . 127.0.0.1:8080", "127.0.0.1:8080"},
        {"grpc . [::1]:53", "[0:0:0:0:0:0:0:1]:53"},
        {"grpc . [2003::1]:53", "[2003:0:0:0:0:0:0:1]:53"},
        {"grpc . unix:///var/run/g.sock", "unix:///var/run/g.sock"},
        {"grpc example.org 10.0.0.10:53 10.0.0.11:1053", "10.0.0.10:53,10.0.0.11:1053"},
    };
    for (String[] c : cases) {
      GrpcConfig config = parse(c[0]);
      assertEquals(c[0].startsWith("grpc example.org") ? Name.fromString("example.org.") : Name.root, config.from(), c[0]);
      assertEquals(List.of(c[1].split(",")), labels(config), c[0]);
      assertEquals(Policy.RANDOM, config.policy(), c[0]);
      assertEquals(Fallthrough.NONE, config.fallthrough(), c[0]);
      assertTrue(config.tls().isEmpty(), c[0]);
    }
    assertEquals(List.of(Name.fromString("miek.nl.")), parse("grpc . 127.0.0.1 {\nexcept miek.nl\n}").except());
    assertEquals(Name.fromString("10.in-addr.arpa."), parse("grpc 10.0.0.0/8 127.0.0.1").from());
  }

  @Test
  void readsNameserversFromAResolvConfFile() throws Exception {
    Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.10.255.252\nnameserver 10.10.255.253\n");
    assertEquals(List.of("10.10.255.252:53", "10.10.255.253:53"), labels(parse("grpc . resolv.conf")));
  }

  @Test
  void readsPolicies() throws Exception {
    assertEquals(Policy.RANDOM, parse("grpc . 127.0.0.1 {\npolicy random\n}").policy());
    assertEquals(Policy.ROUND_ROBIN, parse("grpc . 127.0.0.1 {\npolicy round_robin\n}").policy());
    assertEquals(Policy.SEQUENTIAL, parse("grpc . 127.0.0.1 {\npolicy sequential\n}").policy());
  }

  @Test
  void tlsAndTlsServernameEachTurnTlsOn() throws Exception {
    GrpcConfig named = parse("grpc . 127.0.0.1 {\ntls_servername dns\n}");
    assertTrue(named.tls().isPresent());
    assertEquals(Optional.of("dns"), named.serverName());
    assertTrue(parse("grpc . 127.0.0.1 {\ntls\n}").tls().isPresent());
    assertFalse(parse("grpc . 127.0.0.1").tls().isPresent());
    Certificates.selfSigned(dir);
    GrpcConfig withCa = parse("grpc . 127.0.0.1 {\ntls cert.pem\n}");
    assertTrue(withCa.tls().isPresent());
    assertTrue(parse("grpc . 127.0.0.1 {\ntls cert.pem key.pem cert.pem\n}").tls().isPresent());
  }

  @Test
  void readsFallthrough() throws Exception {
    assertEquals(Fallthrough.of(List.of()), parse("grpc . 127.0.0.1 {\n\tfallthrough\n}").fallthrough());
    assertEquals(Fallthrough.of(List.of(Name.fromString("example.org."))),
        parse("grpc . 127.0.0.1 {\n\tfallthrough example.org\n}").fallthrough());
    assertEquals(Fallthrough.of(List.of(Name.fromString("example.org."), Name.fromString("example.com."))),
        parse("grpc . 127.0.0.1 {\n\tfallthrough example.org example.com\n}").fallthrough());
  }

  @Test
  void rejectsWhatCorednsRejectsAtItsLine() {
    String fifteen = " 127.0.0.1".repeat(15);
    String[][] cases = {
        {"grpc . a27.0.0.1", "<test>:2: grpc: not an IP address or file: 'a27.0.0.1'"},
        {"grpc . 127.0.0.1 {\nblaatl\n}", "<test>:3: grpc: unknown option"},
        {"grpc . 127.0.0.1 {\npolicy random2\n}", "<test>:3: grpc: policy: unknown policy 'random2'"},
        {"grpc " + "x".repeat(64) + " 127.0.0.1", "<test>:2: grpc: unable to normalize 'xxxxxxxx"},
        {"grpc .", "<test>:2: grpc: expected at least one TO address after FROM"},
        {"grpc", "<test>:2: grpc: missing FROM"},
        {"grpc ." + fifteen + " 127.0.0.2", "<test>:2: grpc: more than 15 TOs configured: 16"},
        {"grpc . tls://127.0.0.1", "<test>:2: grpc: 'tls://' is not an upstream scheme of grpc"},
        {"grpc . 127.0.0.1:0", "<test>:2: grpc: port 0"},
        {"grpc . 127.0.0.1 {\nexcept\n}", "<test>:3: grpc: except: expected at least one name"},
        {"grpc . 127.0.0.1 {\npolicy\n}", "<test>:3: grpc: policy: missing POLICY"},
        {"grpc . 127.0.0.1 {\ntls_servername\n}", "<test>:3: grpc: tls_servername: missing NAME"},
        {"grpc . 127.0.0.1 {\ntls a b c d\n}", "<test>:3: grpc: tls"},
        {"grpc . 127.0.0.1 {\ntls missing.pem\n}", "<test>:3: grpc: tls"},
    };
    for (String[] c : cases) {
      ConfigException error = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(error.getMessage().startsWith(c[1]), c[0] + " -> " + error.getMessage());
    }
  }

  @Test
  void isAllowedOncePerServerBlock() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), ". {\n    grpc . ::1\n    grpc com ::2\n}\n");
    CorefileCheck.Result result = CorefileCheck.check(corefile, null, Map.of(), 53);
    assertFalse(result.valid());
    assertTrue(String.join("\n", result.errors()).contains("Corefile:3"), result.errors().toString());
  }
}
