package dev.corvus.dns.plugin.root;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** root in a real server: file and hosts find their relative files below it; CoreDNS's root_test cases. */
class RootIntegrationTest {

  @TempDir Path dir;

  @Test
  void relativePathsOfTheBlockResolveAgainstRoot() throws Exception {
    Path zones = Files.createDirectories(dir.resolve("zones"));
    Files.writeString(zones.resolve("db.example.org"), """
        $ORIGIN example.org.
        @   3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
            3600 IN NS  ns1
        ns1 3600 IN A   192.0.2.53
        www 3600 IN A   192.0.2.10
        """);
    Files.writeString(zones.resolve("extra.hosts"), "192.0.2.77 printer.home.arpa\n");
    String corefile = """
        example.org:0 {
            root %s
            file db.example.org
        }
        home.arpa:0 {
            root %s
            hosts extra.hosts
        }
        """.formatted(zones, dir.resolve("zones/../zones"));
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      Message www = c.udp("www.example.org.", Type.A);
      assertEquals("192.0.2.10", www.getSection(Section.ANSWER).get(0).rdataToString());
      Message printer = c.tcp("printer.home.arpa.", Type.A);
      assertEquals("192.0.2.77", printer.getSection(Section.ANSWER).get(0).rdataToString());
    }
  }

  @Test
  void aBlockWithoutRootIsNotAffectedByAnotherBlocks() throws Exception {
    Files.createDirectories(dir.resolve("zones-p3"));
    String withRoot = "example.org:0 {\n root " + dir + "\n auto {\n  directory zones-p3\n }\n}\n";
    Corvus.builder().corefile(withRoot).dnsPort(0).start().close();
    ConfigException e = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile(withRoot + "example.net:0 {\n auto {\n  directory zones-p3\n }\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(":9: auto") && e.getMessage().contains("unable to access"), e.getMessage());
  }

  @Test
  void coreDnsCasesAndErrorsAtTheirLine() throws Exception {
    // a root that does not exist yet is allowed (a warning)
    try (Corvus s = Corvus.builder().corefile(".:0 {\n root " + dir.resolve("later") + "\n whoami\n}\n").dnsPort(0).start()) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("a.example.", Type.A).getRcode());
    }
    Files.writeString(dir.resolve("file"), "");
    for (String bad : List.of("root", "root a b", "root {\n  x\n }", "root " + dir.resolve("file"))) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Corvus.builder().corefile(".:0 {\n whoami\n " + bad + "\n}\n").dnsPort(0).start().close(), bad);
      assertTrue(e.getMessage().contains(":3: root"), e.getMessage());
    }
  }
}
