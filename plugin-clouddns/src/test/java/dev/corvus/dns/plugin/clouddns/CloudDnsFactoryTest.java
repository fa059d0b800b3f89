package dev.corvus.dns.plugin.clouddns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The directive as CoreDNS's setup.go reads it (its setup_test.go cases), errors with file and line. */
class CloudDnsFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  private CloudDnsConfig parse(String directive) throws ConfigException {
    DirectiveConfig reader = kit.config(".", directive);
    CloudDnsConfig config = CloudDnsFactory.parse(reader);
    reader.finish();
    return config;
  }

  private static CloudDnsConfig.ManagedZone managed(String project, String zone) {
    return new CloudDnsConfig.ManagedZone(project, zone);
  }

  @Test
  void coreDnsSetupTestCasesAcceptedAsInCoreDns(@TempDir Path dir) throws Exception {
    Path valid = Files.writeString(dir.resolve("valid_creds.json"), "{\"type\": \"service_account\"}");
    List<String> accepted = List.of(
        "clouddns",
        "clouddns example.org.:example-project:zone-name",
        "clouddns example.org.:example-project:zone-name { }",
        "clouddns example.org.:example-project:zone-name {\n    fallthrough\n}",
        "clouddns example.org.:example-project:zone-name {\n    credentials " + valid + "\n}");
    for (String directive : accepted) {
      CloudDnsConfig config = parse(directive);
      assertEquals(Duration.ofMinutes(1), config.refresh(), directive);
      assertTrue(config.endpoint().isEmpty(), directive);
    }
  }

  @Test
  void coreDnsSetupTestCasesRejectedWithFileAndLine(@TempDir Path dir) throws Exception {
    Path badType = Files.writeString(dir.resolve("invalid_type_creds.json"), "{\"type\": \"bad_type\"}");
    Path empty = Files.writeString(dir.resolve("empty_creds.json"), "{}");
    Path badJson = Files.writeString(dir.resolve("invalid_json_creds.json"), "{");
    Path missing = dir.resolve("no-such.json");
    String zone = "clouddns example.org.:example-project:zone-name {\n    credentials ";
    List<String[]> cases = List.of(
        new String[] {"clouddns :", "<test>:2: clouddns: invalid zone \":\""},
        new String[] {"clouddns ::", "<test>:2: clouddns: invalid zone \"::\""},
        new String[] {"clouddns example.org.:example-project: { }", "<test>:2: clouddns: invalid zone \"example.org.:example-project:\""},
        new String[] {"clouddns example.org.:example-project:zone-name { wat\n}", "<test>:2: clouddns: "},
        new String[] {"clouddns example.org.:example-project:zone-name {\n    credentials\n}", "<test>:3: clouddns: credentials:"},
        new String[] {"clouddns example.org.:example-project:zone-name example.org.:example-project:zone-name {\n\t}",
            "<test>:2: clouddns: conflict zone \"example.org.:example-project:zone-name\""},
        new String[] {"clouddns example.org {\n\t}", "<test>:2: clouddns: invalid zone \"example.org\""},
        new String[] {zone + badType + "\n}", "<test>:3: clouddns: credentials: invalid credentials file \"" + badType
            + "\": unknown credential type: bad_type"},
        new String[] {zone + empty + "\n}", "<test>:3: clouddns: credentials: invalid credentials file \"" + empty
            + "\": missing `type` field in credential"},
        new String[] {zone + badJson + "\n}", "<test>:3: clouddns: credentials: invalid credentials file \"" + badJson
            + "\": not JSON"},
        new String[] {zone + missing + "\n}", "<test>:3: clouddns: credentials: invalid credentials file \"" + missing
            + "\": cannot read it"},
        new String[] {"clouddns example.org.:p:z {\n    fallthrough example..org\n}", "<test>:3: clouddns: fallthrough:"},
        new String[] {"clouddns example.org.:p:z {\n    refresh 1m\n}", "<test>:3: clouddns: "});
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void zonesKeepTheirManagedZonesInOrder() throws Exception {
    CloudDnsConfig config = parse(
        "clouddns example.org.:p1:z1 Example.ORG.:p1:z2 example.net:p2:zone:with:colons");
    Map<Name, List<CloudDnsConfig.ManagedZone>> expected = new LinkedHashMap<>();
    expected.put(Name.fromString("example.org."), List.of(managed("p1", "z1"), managed("p1", "z2")));
    expected.put(Name.fromString("example.net."), List.of(managed("p2", "zone:with:colons")));
    assertEquals(expected, config.zones(), "split in three at most, as CoreDNS");
    assertFalse(config.fallthrough().enabled());
    assertTrue(config.credentials().isEmpty());
  }

  @Test
  void everyOptionIsRead(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("key.json"), "{\"type\": \"authorized_user\"}");
    kit.baseDirectory(dir);
    DirectiveConfig reader = kit.config(".", """
        clouddns example.org.:p:z {
            credentials key.json
            fallthrough example.gov.
            upstream
        }""");
    CloudDnsConfig config = CloudDnsFactory.parse(reader);
    reader.finish();
    assertEquals(dir.resolve("key.json"), config.credentials().orElseThrow().file(), "relative to the Corefile");
    assertEquals(CloudDnsConfig.CredentialType.AUTHORIZED_USER, config.credentials().orElseThrow().type());
    assertTrue(config.fallthrough().covers(Name.fromString("x.example.gov.")));
    assertFalse(config.fallthrough().covers(Name.fromString("x.example.org.")));
    assertEquals(1, reader.warnings().size(), "upstream is ignored with a warning: " + reader.warnings());
  }

  @Test
  void everyCredentialTypeCoreDnsAcceptsIsAccepted(@TempDir Path dir) throws Exception {
    for (CloudDnsConfig.CredentialType type : CloudDnsConfig.CredentialType.values()) {
      Path file = Files.writeString(dir.resolve(type.json() + ".json"), "{\"type\": \"" + type.json() + "\"}");
      assertEquals(type, parse("clouddns example.org.:p:z {\n credentials " + file + "\n}")
          .credentials().orElseThrow().type());
    }
  }
}
