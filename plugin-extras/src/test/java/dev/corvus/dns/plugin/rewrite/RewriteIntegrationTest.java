package dev.corvus.dns.plugin.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * rewrite in a real server together with hosts, file and template, as the README's "Assemble your
 * own server" Corefile combines them (without forward and cache, which live in other modules).
 */
class RewriteIntegrationTest {

  @TempDir Path dir;

  @Test
  void theAssembledServerAnswersFromEachPlugin() throws Exception {
    Files.writeString(dir.resolve("home.hosts"), "192.168.1.20 nas.home.arpa nas\n192.168.1.21 printer.home.arpa\n");
    Files.writeString(dir.resolve("db.example.org"), """
        $ORIGIN example.org.
        $TTL 3600
        @       IN SOA ns1.example.org. hostmaster.example.org. 2024060101 7200 3600 1209600 300
                IN NS  ns1.example.org.
        ns1     IN A   192.0.2.53
        www     IN A   192.0.2.10
        api     IN CNAME www
        """);
    String corefile = """
        .:0 {
            hosts %1$s/home.hosts {
                fallthrough
            }
            file %1$s/db.example.org example.org
            rewrite name exact legacy.example.org www.example.org
            template IN A ip.test {
                match ^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)-(?P<d>[0-9]+)[.]ip[.]test[.]$
                answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                fallthrough
            }
        }
        """.formatted(dir);
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      assertEquals("192.168.1.20", c.udp("nas.home.arpa.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals("printer.home.arpa.",
          c.udp("21.1.168.192.in-addr.arpa.", Type.PTR).getSection(Section.ANSWER).get(0).rdataToString());

      Message api = c.udp("api.example.org.", Type.A);
      assertEquals(2, api.getSection(Section.ANSWER).size());
      assertEquals(Type.NS, api.getSection(Section.AUTHORITY).get(0).getType());
      Message nx = c.udp("nothere.example.org.", Type.A);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());

      Message legacy = c.udp("legacy.example.org.", Type.A);
      assertEquals("legacy.example.org.", legacy.getQuestion().getName().toString());
      assertEquals("legacy.example.org.", legacy.getSection(Section.ANSWER).get(0).getName().toString());
      assertEquals("192.0.2.10", legacy.getSection(Section.ANSWER).get(0).rdataToString());

      Message ip = c.tcp("ip-10-1-2-3.ip.test.", Type.A);
      assertEquals("10.1.2.3", ip.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(60, ip.getSection(Section.ANSWER).get(0).getTTL());
    }
  }

  @Test
  void regexErrorFailsServerStartWithItsLine() {
    String corefile = ".:0 {\n any\n rewrite name regex ([a-z foo.example.org\n}\n";
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(corefile).dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(":3"), e.getMessage());
  }
}
