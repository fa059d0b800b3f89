package dev.corvus.dns.plugin.hosts;

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

/** {@code hosts} in a real server, queried over UDP and TCP. */
class HostsIntegrationTest {

  @TempDir Path dir;

  @Test
  void answersFromFileAndInlineOverRealSockets() throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "10.0.0.5 web.example.org\n");
    String corefile = ".:0 {\n hosts " + hosts + " {\n  10.0.0.6 inline.example.org\n  ttl 42\n }\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      Message a = client.udp("web.example.org.", Type.A);
      assertEquals(Rcode.NOERROR, a.getRcode());
      assertEquals("10.0.0.5", a.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(42, a.getSection(Section.ANSWER).get(0).getTTL());
      Message ptr = new DnsClient(server.tcpAddress()).tcp("6.0.0.10.in-addr.arpa.", Type.PTR);
      assertEquals("inline.example.org.", ptr.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(Rcode.SERVFAIL, client.udp("missing.example.org.", Type.A).getRcode());
    }
  }

  @Test
  void malformedHostsFileFailsStartupWithFileAndLine() throws Exception {
    Path hosts = dir.resolve("hosts");
    // A line whose first field is not an address is skipped, as CoreDNS does; a name no DNS
    // name can be (a 64-octet label) is still an error at its line.
    Files.writeString(hosts, "10.0.0.5 web.example.org\n10.0.0.6 " + "c".repeat(64) + ".example.org\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n hosts " + hosts + "\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(hosts + ":2"), e.getMessage());
  }
}
