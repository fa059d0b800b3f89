package dev.corvus.dns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Name;

/** Parsing of the {@code cache} directive, following CoreDNS's setup.go and its tests. */
class CacheFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  /** Parses {@code text} in a server block for {@code serverZones} (the root zone when none). */
  private CacheConfig parse(String text, String... serverZones) throws ConfigException {
    String serverKey = serverZones.length == 0 ? "." : String.join(" ", serverZones);
    return CacheFactory.parse(kit.config(serverKey, text));
  }

  @Test
  void defaultsAreCoreDnsDefaults() throws ConfigException {
    CacheConfig config = parse("cache", "example.org");
    assertEquals(List.of(Names.zone("example.org")), config.zones());
    assertEquals(new CacheConfig.Tier(9984, Duration.ofHours(1), Duration.ofSeconds(5)), config.success());
    assertEquals(new CacheConfig.Tier(9984, Duration.ofMinutes(30), Duration.ofSeconds(5)), config.denial());
    assertEquals(Optional.empty(), config.prefetch());
    assertEquals(Optional.empty(), config.serveStale());
    assertEquals(Duration.ofSeconds(5), config.servfailTtl());
    assertEquals(List.of(), config.successDisabledZones());
    assertEquals(List.of(), config.denialDisabledZones());
    assertFalse(config.keepTtl());
  }

  @Test
  void leadingIntegerIsTheTtlOfBothCachesAndTheRestAreZones() throws ConfigException {
    CacheConfig config = parse("cache 25 Example.NL other.org");
    assertEquals(Duration.ofSeconds(25), config.success().maxTtl());
    assertEquals(Duration.ofSeconds(25), config.denial().maxTtl());
    assertEquals(List.of(Names.zone("example.nl"), Names.zone("other.org")), config.zones());
  }

  @Test
  void nonNumericFirstArgumentIsAZone() throws ConfigException {
    CacheConfig config = parse("cache aaa example.nl");
    assertEquals(List.of(Names.zone("aaa"), Names.zone("example.nl")), config.zones());
    assertEquals(Duration.ofHours(1), config.success().maxTtl());
  }

  @Test
  void successAndDenialSetCapacityTtlAndMinTtl() throws ConfigException {
    CacheConfig config = parse("cache 25 example.nl {\n success 10 1800 30\n denial 20 15 2\n}");
    assertEquals(new CacheConfig.Tier(10, Duration.ofSeconds(1800), Duration.ofSeconds(30)), config.success());
    assertEquals(new CacheConfig.Tier(20, Duration.ofSeconds(15), Duration.ofSeconds(2)), config.denial());
  }

  @Test
  void successWithOnlyCapacityKeepsThePositionalTtl() throws ConfigException {
    CacheConfig config = parse("cache 25 {\n success 10\n}");
    assertEquals(new CacheConfig.Tier(10, Duration.ofSeconds(25), Duration.ofSeconds(5)), config.success());
  }

  @Test
  void prefetchDefaultsAndFullForm() throws ConfigException {
    assertEquals(
        Optional.of(new CacheConfig.Prefetch(10, Duration.ofMinutes(1), 10)),
        parse("cache {\n prefetch 10\n}").prefetch());
    assertEquals(
        Optional.of(new CacheConfig.Prefetch(2, Duration.ofSeconds(30), 50)),
        parse("cache {\n prefetch 2 30s 50%\n}").prefetch());
    assertEquals(Optional.empty(), parse("cache {\n prefetch 0\n}").prefetch());
  }

  @Test
  void serveStaleDefaultsAndModes() throws ConfigException {
    assertEquals(
        Optional.of(new CacheConfig.ServeStale(Duration.ofHours(1), false)),
        parse("cache {\n serve_stale\n}").serveStale());
    assertEquals(
        Optional.of(new CacheConfig.ServeStale(Duration.ofMinutes(20), false)),
        parse("cache {\n serve_stale 20m immediate\n}").serveStale());
    assertEquals(
        Optional.of(new CacheConfig.ServeStale(Duration.ofMinutes(20), true)),
        parse("cache {\n serve_stale 20m VERIFY\n}").serveStale());
  }

  @Test
  void servfailDisableAndKeepTtl() throws ConfigException {
    CacheConfig config =
        parse("cache {\n servfail 30s\n disable success a.org b.org\n disable denial\n keepttl\n}");
    assertEquals(Duration.ofSeconds(30), config.servfailTtl());
    assertEquals(List.of(Names.zone("a.org"), Names.zone("b.org")), config.successDisabledZones());
    assertEquals(List.of(Name.root), config.denialDisabledZones());
    assertTrue(config.keepTtl());
    assertEquals(Duration.ZERO, parse("cache {\n servfail 0\n}").servfailTtl());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cache 0 example.nl",
        "cache -1 example.nl",
        "cache {\n success\n}",
        "cache {\n success 15\n denial aaa\n}",
        "cache {\n success 10 0\n}",
        "cache {\n success 10 10 -1\n}",
        "cache {\n success 1 2 3 4\n}",
        "cache {\n positive 15\n}",
        "cache {\n prefetch\n}",
        "cache {\n prefetch -1\n}",
        "cache {\n prefetch 0 blurp\n}",
        "cache {\n prefetch 1 1m 5%\n}",
        "cache {\n prefetch 1 1m 95%\n}",
        "cache {\n prefetch 1 1m 50\n}",
        "cache {\n prefetch 1 1m 50% extra\n}",
        "cache {\n serve_stale -1s\n}",
        "cache {\n serve_stale 1h sometimes\n}",
        "cache {\n serve_stale 1h verify 1s\n}",
        "cache {\n servfail\n}",
        "cache {\n servfail -1s\n}",
        "cache {\n servfail 6m\n}",
        "cache {\n servfail 1s 2s\n}",
        "cache {\n disable\n}",
        "cache {\n disable positive example.org\n}",
        "cache {\n keepttl yes\n}",
      })
  void rejectsInvalidConfiguration(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
    assertTrue(e.getMessage().startsWith("<test>:"), e.getMessage());
  }
}
