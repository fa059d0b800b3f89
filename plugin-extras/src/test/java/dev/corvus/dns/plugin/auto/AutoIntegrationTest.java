package dev.corvus.dns.plugin.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code auto} in a real server: zones appear, change and disappear with their files. */
class AutoIntegrationTest {

  static String zone(String origin, long serial, String address) {
    return """
        $ORIGIN %1$s.
        $TTL 3600
        @    IN SOA ns1.%1$s. hostmaster.%1$s. %2$d 7200 3600 1209600 300
             IN NS  ns1.%1$s.
        ns1  IN A   192.0.2.53
        www  IN A   %3$s
        """.formatted(origin, serial, address);
  }

  @TempDir Path dir;

  private static String www(DnsClient client, String origin) {
    try {
      Message answer = client.udp("www." + origin + ".", Type.A);
      return answer.getRcode() != Rcode.NOERROR || answer.getSection(Section.ANSWER).isEmpty()
          ? Rcode.string(answer.getRcode())
          : answer.getSection(Section.ANSWER).get(0).rdataToString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void zonesFollowTheirFiles() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("db.example.org"), zone("example.org", 1, "192.0.2.1"));
    Files.writeString(zones.resolve("example.org.bak"), zone("example.org", 9, "192.0.2.9"));
    try (Corvus s = Corvus.builder().corefile("org:0 {\n auto {\n  directory " + zones + "\n  reload 100ms\n }\n}\n")
        .dnsPort(0).start()) {
      DnsClient client = new DnsClient(s.udpAddress(), Duration.ofMillis(500));
      assertEquals("192.0.2.1", www(client, "example.org"));
      assertEquals("REFUSED", www(client, "example.net"), "no zone: refused at the end of the chain");

      Files.writeString(zones.resolve("db.example.net"), zone("example.net", 1, "192.0.2.2"));
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> www(client, "other.org").equals("REFUSED")
          && www(client, "example.net").equals("REFUSED")), "example.net is not in the zone org");
      Files.createDirectories(zones.resolve("sub"));
      Files.writeString(zones.resolve("sub").resolve("db.second.org"), zone("second.org", 1, "192.0.2.3"));
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> www(client, "second.org").equals("192.0.2.3")));

      Files.writeString(zones.resolve("db.example.org"), zone("example.org", 2, "192.0.2.4"));
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> www(client, "example.org").equals("192.0.2.4")));

      Files.writeString(zones.resolve("db.example.org"), "$ORIGIN example.org.\n@ IN SOA broken\n");
      Files.writeString(zones.resolve("db.third.org"), zone("third.org", 1, "192.0.2.5"));
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> www(client, "third.org").equals("192.0.2.5")));
      assertEquals("192.0.2.4", www(client, "example.org"), "a broken file keeps the served copy");

      Files.delete(zones.resolve("sub").resolve("db.second.org"));
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> www(client, "second.org").equals("REFUSED")));
    }
  }

  @Test
  void regexpAndTemplateNameTheOrigin() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("www.db.example.org"), zone("example.org", 1, "192.0.2.7"));
    Files.writeString(zones.resolve("db.example.com"), zone("example.com", 1, "192.0.2.8"));
    try (Corvus s = Corvus.builder().corefile(".:0 {\n auto {\n  directory " + zones + " www\\.db\\.(.*) {1}\n }\n}\n").dnsPort(0).start()) {
      DnsClient client = new DnsClient(s.udpAddress());
      assertEquals("192.0.2.7", www(client, "example.org"));
      assertEquals("REFUSED", www(client, "example.com"), "db.example.com does not match the regexp");
    }
  }

  @Test
  void mistakesAreReportedAtTheirLine() throws Exception {
    ConfigException regexp = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("org:0 {\n auto {\n  directory " + dir + " db\\.((.* {1}\n }\n}\n").dnsPort(0).start().close());
    assertTrue(regexp.getMessage().contains(":3: auto") && regexp.getMessage().contains("invalid REGEXP"),
        regexp.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("org:0 {\n auto {\n  directory " + dir.resolve("none") + "\n }\n}\n").dnsPort(0).start().close());
    assertTrue(missing.getMessage().contains(":3: auto") && missing.getMessage().contains("unable to access"),
        missing.getMessage());
    ConfigException group = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("org:0 {\n auto {\n  directory " + dir + " db\\.(.*) {2}\n }\n}\n").dnsPort(0).start().close());
    assertTrue(group.getMessage().contains("names group 2"), group.getMessage());
  }
}
