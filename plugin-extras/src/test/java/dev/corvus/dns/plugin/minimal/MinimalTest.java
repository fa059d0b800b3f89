package dev.corvus.dns.plugin.minimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class MinimalTest {

  @TempDir Path dir;

  private Path zone() throws Exception {
    Path file = dir.resolve("db.example.org");
    Files.writeString(file, """
        $ORIGIN example.org.
        @    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
        @    3600 IN NS  ns1
        ns1  3600 IN A   192.0.2.53
        www  3600 IN A   192.0.2.1
        """);
    return file;
  }

  @Test
  void positiveAnswersLoseAuthorityAndAdditionalDenialsKeepTheirSoa() throws Exception {
    Path zone = zone();
    String plain = "example.org:0 {\n file " + zone + "\n}\n";
    String stripped = "example.org:0 {\n minimal\n file " + zone + "\n}\n";
    try (Corvus full = Corvus.builder().corefile(plain).dnsPort(0).start();
        Corvus minimal = Corvus.builder().corefile(stripped).dnsPort(0).start()) {
      Message withAuthority = new DnsClient(full.udpAddress()).udp("www.example.org.", Type.A);
      assertFalse(withAuthority.getSection(Section.AUTHORITY).isEmpty(), "file puts the apex NS in authority");

      DnsClient client = new DnsClient(minimal.udpAddress());
      Message answer = client.udp("www.example.org.", Type.A);
      assertEquals(1, answer.getSection(Section.ANSWER).size());
      assertTrue(answer.getSection(Section.AUTHORITY).isEmpty());
      assertTrue(answer.getSection(Section.ADDITIONAL).isEmpty());

      Message nx = client.udp("nope.example.org.", Type.A);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());
      assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
    }
  }

  @Test
  void argumentsAreRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n minimal yes\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains("minimal"), e.getMessage());
  }
}
