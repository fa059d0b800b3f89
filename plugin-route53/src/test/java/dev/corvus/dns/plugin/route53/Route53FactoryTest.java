package dev.corvus.dns.plugin.route53;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** The directive as CoreDNS's setup.go reads it, and errors with the Corefile's file and line. */
class Route53FactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  private Route53Config parse(String directive) throws ConfigException {
    DirectiveConfig reader = kit.config(".", directive);
    Route53Config config = Route53Factory.parse(reader);
    reader.finish();
    return config;
  }

  @Test
  void zonesKeepTheirHostedZonesInOrder() throws Exception {
    Route53Config config = parse("route53 example.org.:Z1 Example.ORG.:Z2 example.net:Z3");
    Map<Name, List<String>> expected = new LinkedHashMap<>();
    expected.put(Name.fromString("example.org."), List.of("Z1", "Z2"));
    expected.put(Name.fromString("example.net."), List.of("Z3"));
    assertEquals(expected, config.zones());
    assertEquals(Duration.ofMinutes(1), config.refresh());
    assertFalse(config.fallthrough().enabled());
    assertTrue(config.endpoint().isEmpty() && config.accessKey().isEmpty() && config.profile().isEmpty());
  }

  @Test
  void everyOptionIsRead() throws Exception {
    DirectiveConfig reader = kit.config(".", """
        route53 example.org.:Z1 {
            aws_access_key AKID SECRET
            aws_endpoint http://127.0.0.1:4566
            credentials corvus /etc/aws/credentials
            fallthrough example.org.
            refresh 90
            upstream
        }""");
    Route53Config config = Route53Factory.parse(reader);
    reader.finish();
    assertEquals("AKID", config.accessKey().orElseThrow().id());
    assertFalse(config.accessKey().orElseThrow().toString().contains("SECRET"));
    assertEquals(URI.create("http://127.0.0.1:4566"), config.endpoint().orElseThrow());
    assertEquals("corvus", config.profile().orElseThrow().name());
    assertEquals("/etc/aws/credentials", config.profile().orElseThrow().file().orElseThrow().toString());
    assertTrue(config.fallthrough().covers(Name.fromString("x.example.org.")));
    assertEquals(Duration.ofSeconds(90), config.refresh(), "a bare number is seconds, as in CoreDNS");
    assertEquals(2, reader.warnings().size(), "aws_access_key is deprecated, upstream ignored: " + reader.warnings());
  }

  @Test
  void errorsNameTheLine() {
    List<String[]> cases = List.of(
        new String[] {"route53 example.org", "<test>:2: route53: invalid zone \"example.org\""},
        new String[] {"route53 :Z1", "<test>:2: route53: invalid zone \":Z1\""},
        new String[] {"route53 example.org.:", "<test>:2: route53: invalid zone \"example.org.:\""},
        new String[] {"route53 example.org.:Z1 example.org.:Z1", "<test>:2: route53: conflict zone \"example.org.:Z1\""},
        new String[] {"route53 example.org.:Z1 {\n aws_access_key AKID\n}", "<test>:3: route53: aws_access_key: invalid access key"},
        new String[] {"route53 example.org.:Z1 {\n aws_endpoint\n}", "<test>:3: route53: aws_endpoint:"},
        new String[] {"route53 example.org.:Z1 {\n aws_endpoint localhost:4566\n}", "<test>:3: route53: aws_endpoint: expected an endpoint URL"},
        new String[] {"route53 example.org.:Z1 {\n credentials\n}", "<test>:3: route53: credentials:"},
        new String[] {"route53 example.org.:Z1 {\n refresh\n}", "<test>:3: route53: refresh:"},
        new String[] {"route53 example.org.:Z1 {\n refresh soon\n}", "<test>:3: route53: refresh:"},
        new String[] {"route53 example.org.:Z1 {\n refresh 0\n}", "<test>:3: route53: refresh: refresh interval must be greater than 0"},
        new String[] {"route53 example.org.:Z1 {\n refresh -1m\n}", "<test>:3: route53: refresh:"},
        new String[] {"route53 example.org.:Z1 {\n refersh 1m\n}", "<test>:3: route53: "});
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }
}
