package dev.corvus.dns.plugin.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The directive as CoreDNS's setup.go reads it (its setup_test.go cases), and errors with the Corefile's file and line. */
class AzureFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  private AzureConfig parse(String directive) throws ConfigException {
    return parse(directive, Map.of());
  }

  private AzureConfig parse(String directive, Map<String, String> environment) throws ConfigException {
    DirectiveConfig reader = kit.config(".", directive);
    AzureConfig config = AzureFactory.parse(reader, environment::get);
    reader.finish();
    return config;
  }

  /** setup_test.go's accepted Corefiles. */
  @Test
  void coreDnsAcceptedCorefilesAreAccepted() throws Exception {
    List<String> accepted = List.of(
        "azure",
        "azure resource_set:zone",
        "azure resource_set:zone {\n    tenant abc\n}",
        "azure resource_set:zone {\n    client abc\n}",
        "azure resource_set:zone {\n    subscription abc\n}",
        "azure resource_set:zone {\n    tenant tenant_id\n    client client_id\n    secret client_secret\n"
            + "    subscription subscription_id\n    access public\n}",
        "azure resource_set:zone {\n    fallthrough\n}",
        "azure resource_set:zone {\n\t\tenvironment AZUREPUBLICCLOUD\n\t}",
        "azure resource_set:zone,zone2 {\n\t\t\taccess private\n\t\t}",
        "azure resource-set:zone {\n\t\t\taccess public\n\t\t}",
        "azure rg:zone1 rg:zone2 {\n\t\t\taccess private\n\t\t}",
        "azure rg:zone1 rg:zone2 {\n\t\t}");
    for (String corefile : accepted) {
      parse(corefile);
    }
  }

  /** setup_test.go's rejected Corefiles, each with the file, line and CoreDNS's message. */
  @Test
  void coreDnsRejectedCorefilesAreErrorsThatNameTheLine() {
    List<String[]> cases = List.of(
        new String[] {"azure :", "<test>:2: azure: invalid resource group/zone: \":\""},
        new String[] {"azure resource_set:zone {\n    tenant\n}", "<test>:3: azure: tenant:"},
        new String[] {"azure resource_set:zone {\n    client\n}", "<test>:3: azure: client:"},
        new String[] {"azure resource_set:zone {\n    subscription\n}", "<test>:3: azure: subscription:"},
        new String[] {"azure resource_set:zone {\n    foo\n}", "<test>:3: azure: "},
        new String[] {"azure resource_set:zone resource_set:zone {\n\t\t\tfallthrough\n\t\t}",
            "<test>:2: azure: conflicting zone: \"resource_set:zone\""},
        new String[] {"azure resource-set:zone {\n\t\t\taccess foo\n\t\t}",
            "<test>:3: azure: access: invalid access value: can be public/private, found: foo"});
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }

  /** setup_test.go's access cases: access applies to every zone of its line, public by default. */
  @Test
  void accessAppliesToTheZonesOfItsLine() throws Exception {
    AzureConfig both = parse("azure rg:zone1 rg:zone2 {\n  access private\n}");
    assertEquals(List.of(new AzureConfig.AzureZone("rg", "zone1", true)), both.zones().get(Name.fromString("zone1.")));
    assertEquals(List.of(new AzureConfig.AzureZone("rg", "zone2", true)), both.zones().get(Name.fromString("zone2.")));
    AzureConfig neither = parse("azure rg:zone1 rg:zone2 {\n}");
    assertTrue(neither.zones().values().stream().flatMap(List::stream).noneMatch(AzureConfig.AzureZone::isPrivate));
  }

  @Test
  void zonesKeepTheirAzureZonesInOrderAndEveryOptionIsRead() throws Exception {
    AzureConfig config = parse("""
        azure rg-a:Example.ORG rg-b:example.org. rg-a:example.net {
            tenant t
            client c
            secret s3cret
            subscription sub
            environment azurechinacloud
            fallthrough example.net
            refresh 90
        }""");
    Map<Name, List<AzureConfig.AzureZone>> expected = new LinkedHashMap<>();
    expected.put(Name.fromString("example.org."), List.of(new AzureConfig.AzureZone("rg-a", "Example.ORG", false),
        new AzureConfig.AzureZone("rg-b", "example.org", false)));
    expected.put(Name.fromString("example.net."), List.of(new AzureConfig.AzureZone("rg-a", "example.net", false)));
    assertEquals(expected, config.zones());
    assertEquals("t", config.tenant().orElseThrow());
    assertEquals("c", config.client().orElseThrow());
    assertEquals("s3cret", config.secret().orElseThrow().value());
    assertFalse(config.toString().contains("s3cret"), config::toString);
    assertEquals("sub", config.subscription().orElseThrow());
    assertEquals(AzureClouds.CHINA, config.cloud());
    assertTrue(config.fallthrough().covers(Name.fromString("x.example.net.")));
    assertFalse(config.fallthrough().covers(Name.fromString("x.example.org.")));
    assertEquals(Duration.ofSeconds(90), config.refresh(), "a bare number is seconds");
  }

  @Test
  void defaultsAreThePublicCloudAndAMinute() throws Exception {
    AzureConfig config = parse("azure rg:example.org {\n subscription sub\n}");
    assertEquals(AzureClouds.PUBLIC, config.cloud());
    assertEquals(URI.create("https://management.azure.com/"), config.cloud().resourceManager());
    assertEquals(Duration.ofMinutes(1), config.refresh(), "CoreDNS's fixed interval");
    assertFalse(config.fallthrough().enabled());
    assertTrue(config.secret().isEmpty());
  }

  @Test
  void stockCloudNamesAreTakenInAnyCase() throws Exception {
    Map<String, AzureConfig.Cloud> names = Map.of(
        "AzureCloud", AzureClouds.PUBLIC,
        "AZUREPUBLICCLOUD", AzureClouds.PUBLIC,
        "AzureChinaCloud", AzureClouds.CHINA,
        "AZUREUSGOVERNMENT", AzureClouds.US_GOVERNMENT,
        "AzureUSGovernmentCloud", AzureClouds.US_GOVERNMENT);
    for (Map.Entry<String, AzureConfig.Cloud> name : names.entrySet()) {
      assertEquals(name.getValue(), parse("azure rg:z {\n environment " + name.getKey() + "\n}").cloud(), name.getKey());
    }
  }

  @Test
  void azureStackEndpointsComeFromTheFileNamedOrFromTheVariable(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("env.json"), """
        {"name": "AzureStackCloud", "resourceManagerEndpoint": "https://management.local.azurestack.external/",
         "activeDirectoryEndpoint": "https://login.local.azurestack.external/adfs/"}""");
    AzureConfig.Cloud named = parse("azure rg:z {\n environment AZURESTACKCLOUD " + file + "\n}").cloud();
    assertEquals(URI.create("https://management.local.azurestack.external/"), named.resourceManager());
    assertEquals(URI.create("https://login.local.azurestack.external/adfs/"), named.activeDirectory());
    assertFalse(named.instanceDiscovery());
    AzureConfig.Cloud fromVariable = parse("azure rg:z {\n environment AzureStackCloud\n}",
        Map.of("AZURE_ENVIRONMENT_FILEPATH", file.toString())).cloud();
    assertEquals(named, fromVariable);
  }

  @Test
  void corvusErrorsNameTheLine(@TempDir Path dir) throws Exception {
    Path notJson = Files.writeString(dir.resolve("bad.json"), "[1, 2]");
    Path http = Files.writeString(dir.resolve("http.json"),
        "{\"resourceManagerEndpoint\": \"http://127.0.0.1:1/\", \"activeDirectoryEndpoint\": \"https://127.0.0.1:1/\"}");
    Path noAd = Files.writeString(dir.resolve("noad.json"), "{\"resourceManagerEndpoint\": \"https://127.0.0.1:1/\"}");
    List<String[]> cases = List.of(
        new String[] {"azure rg:", "<test>:2: azure: invalid resource group/zone: \"rg:\""},
        new String[] {"azure rg:bad..zone", "<test>:2: azure: invalid resource group/zone: \"rg:bad..zone\""},
        new String[] {"azure rg:z {\n secret s\n}", "<test>:2: azure: secret needs tenant and client"},
        new String[] {"azure rg:z {\n tenant a b\n}", "<test>:3: azure: tenant:"},
        new String[] {"azure rg:z {\n environment\n}", "<test>:3: azure: environment:"},
        new String[] {"azure rg:z {\n environment MARS\n}",
            "<test>:3: azure: environment: cannot set azure environment: there is no cloud environment matching the name \"MARS\""},
        new String[] {"azure rg:z {\n environment AzureGermanCloud\n}",
            "<test>:3: azure: environment: cannot set azure environment: Azure Germany (AZUREGERMANCLOUD) closed"},
        new String[] {"azure rg:z {\n environment AZURESTACKCLOUD\n}",
            "<test>:3: azure: environment: cannot set azure environment: AZURESTACKCLOUD reads its endpoints from a file"},
        new String[] {"azure rg:z {\n environment AZURESTACKCLOUD " + dir.resolve("missing.json") + "\n}",
            "<test>:3: azure: environment: cannot set azure environment: cannot read"},
        new String[] {"azure rg:z {\n environment AZURESTACKCLOUD " + notJson + "\n}",
            "<test>:3: azure: environment: cannot set azure environment: " + notJson + " does not hold a JSON object"},
        new String[] {"azure rg:z {\n environment AZURESTACKCLOUD " + http + "\n}",
            "<test>:3: azure: environment: cannot set azure environment: resourceManagerEndpoint in " + http
                + " must be an https:// URL"},
        new String[] {"azure rg:z {\n environment AZURESTACKCLOUD " + noAd + "\n}",
            "<test>:3: azure: environment: cannot set azure environment: " + noAd + " has no activeDirectoryEndpoint"},
        new String[] {"azure rg:z {\n refresh 0\n}", "<test>:3: azure: refresh: refresh interval must be greater than 0"},
        new String[] {"azure rg:z {\n refresh soon\n}", "<test>:3: azure: refresh:"},
        new String[] {"azure rg:z {\n acess private\n}", "<test>:3: azure: "});
    for (String[] c : cases) {
      ConfigException e = assertThrows(ConfigException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), () -> c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void missingZonesOrSubscriptionAreWarnedAbout() throws Exception {
    DirectiveConfig none = kit.config(".", "azure");
    AzureFactory.parse(none, name -> null);
    none.finish();
    assertEquals(1, none.warnings().size(), none.warnings()::toString);
    assertTrue(none.warnings().get(0).contains("serves no zone"), none.warnings()::toString);
    DirectiveConfig noSubscription = kit.config(".", "azure rg:z");
    AzureFactory.parse(noSubscription, name -> null);
    noSubscription.finish();
    assertTrue(noSubscription.warnings().get(0).contains("no subscription"), noSubscription.warnings()::toString);
  }
}
