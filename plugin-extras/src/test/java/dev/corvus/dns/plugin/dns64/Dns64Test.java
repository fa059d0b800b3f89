package dev.corvus.dns.plugin.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.MetricsText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class Dns64Test {

  @TempDir Path dir;

  /** CoreDNS's TestTo6 vectors (RFC 6052 §2.4's layout). */
  @ParameterizedTest
  @CsvSource({
      "64:ff9b::/96, 64.64.64.64, 64:ff9b:0:0:0:0:4040:4040",
      "64:ff9b::/64, 64.64.64.64, 64:ff9b:0:0:40:4040:4000:0",
      "64:ff9b::/56, 64.64.64.64, 64:ff9b:0:40:40:4040:0:0",
      "64::/32, 64.64.64.64, 64:0:4040:4040:0:0:0:0",
      "2001:db8:100::/40, 192.0.2.33, 2001:db8:1c0:2:21:0:0:0",
      "2001:db8:122::/48, 192.0.2.33, 2001:db8:122:c000:2:2100:0:0",
  })
  void embedsTheIpv4AddressAfterThePrefixSkippingTheUOctet(String prefix, String v4, String expected) {
    Cidr cidr = Cidr.parse(prefix);
    InetAddress address = Dns64Handler.synthesizedAddress(cidr.networkBytes(), cidr.prefix(), Names.parseAddressLiteral(v4));
    assertEquals(Names.parseAddressLiteral(expected), address);
  }

  private Path zone() throws Exception {
    Path file = dir.resolve("db.example.org");
    Files.writeString(file, """
        $ORIGIN example.org.
        @      300  IN SOA ns1 hostmaster 1 7200 3600 1209600 120
        @      3600 IN NS  ns1
        ns1    3600 IN A   192.0.2.53
        www    3600 IN A   192.0.2.10
        www    60   IN A   192.0.2.11
        alias  3600 IN CNAME www
        dual   3600 IN A   192.0.2.20
        dual   3600 IN AAAA 2001:db8::20
        """);
    return file;
  }

  private Corvus serve(String dns64) throws Exception {
    return Corvus.builder().corefile("example.org:0 {\n    " + dns64 + "\n    file " + zone() + "\n}\n").dnsPort(0).start();
  }

  private static List<String> answers(Message response) {
    return response.getSection(Section.ANSWER).stream().map(Record::toString).sorted().toList();
  }

  @Test
  void synthesisesAaaaFromTheZonesARecordsOverUdpAndTcp() throws Exception {
    try (Corvus server = serve("dns64 {\n        allow_ipv4\n    }")) {
      DnsClient client = new DnsClient(server.udpAddress());
      for (Message response : List.of(client.udp("www.example.org.", Type.AAAA), client.tcp("www.example.org.", Type.AAAA))) {
        assertEquals(Rcode.NOERROR, response.getRcode());
        // TTL: min(A TTL, TTL of the SOA in the AAAA answer: 300)
        assertEquals(List.of(
            "www.example.org.\t300\tIN\tAAAA\t64:ff9b:0:0:0:0:c000:20a",
            "www.example.org.\t60\tIN\tAAAA\t64:ff9b:0:0:0:0:c000:20b"), answers(response));
      }
      assertEquals(List.of("www.example.org.\t3600\tIN\tA\t192.0.2.10", "www.example.org.\t60\tIN\tA\t192.0.2.11"),
          answers(client.udp("www.example.org.", Type.A)), "A queries pass untouched");
      Message nx = client.udp("nope.example.org.", Type.AAAA);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode(), "NXDOMAIN is passed on (RFC 6147 §5.1.2)");
      assertEquals(List.of("dual.example.org.\t3600\tIN\tAAAA\t2001:db8:0:0:0:0:0:20"), answers(client.udp("dual.example.org.", Type.AAAA)),
          "an answer with AAAA records is kept (§5.1.1)");
      assertEquals(List.of("alias.example.org.\t3600\tIN\tCNAME\twww.example.org.",
              "www.example.org.\t300\tIN\tAAAA\t64:ff9b:0:0:0:0:c000:20a", "www.example.org.\t60\tIN\tAAAA\t64:ff9b:0:0:0:0:c000:20b"),
          answers(client.udp("alias.example.org.", Type.AAAA)), "the CNAME chain stays (§5.3.3)");
      assertEquals(3.0, MetricsText.parse(server.scrapeMetrics()).sum("coredns_dns64_requests_translated_total"),
          "www over UDP and TCP, alias: translated; nope, dual: not");
    }
  }

  @Test
  void translateAllReplacesAaaaRecordsAndACustomPrefixIsUsed() throws Exception {
    try (Corvus server = serve("dns64 64:1337::/96 {\n        translate_all\n        allow_ipv4\n    }")) {
      Message response = new DnsClient(server.udpAddress()).udp("dual.example.org.", Type.AAAA);
      assertEquals(List.of("dual.example.org.\t600\tIN\tAAAA\t64:1337:0:0:0:0:c000:214"), answers(response),
          "no SOA in a positive answer: TTL capped at 600 (§5.1.7)");
    }
  }

  @Test
  void ipv4ClientsAreNotTranslatedUnlessAllowedIpv6ClientsAre() throws Exception {
    String corefile = "example.org:0 {\n    bind 127.0.0.1 ::1\n    dns64\n    file " + zone() + "\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      List<Corvus.ListenerAddress> listeners = server.listeners();
      InetSocketAddress v4Address = listeners.stream().map(Corvus.ListenerAddress::udp)
          .filter(a -> a.getAddress() instanceof java.net.Inet4Address).findFirst().orElseThrow();
      InetSocketAddress v6Address = listeners.stream().map(Corvus.ListenerAddress::udp)
          .filter(a -> a.getAddress() instanceof java.net.Inet6Address).findFirst().orElseThrow();
      Message v4 = new DnsClient(v4Address).udp("www.example.org.", Type.AAAA);
      assertEquals(List.of(), answers(v4));
      assertEquals(Type.SOA, v4.getSection(Section.AUTHORITY).get(0).getType());
      DnsClient v6 = new DnsClient(v6Address);
      for (Message response : List.of(v6.udp("www.example.org.", Type.AAAA), v6.tcp("www.example.org.", Type.AAAA))) {
        assertEquals(2, response.getSection(Section.ANSWER).size(), response.toString());
        assertTrue(response.getSection(Section.ANSWER).stream().allMatch(r -> r instanceof AAAARecord a
            && a.getAddress().getHostAddress().startsWith("64:ff9b:0:0:0:0:c000:20")), response.toString());
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "dns64 {\\n        prefix 64:ff9b::/52\\n    }  | 3 | invalid prefix length 52",
      "dns64 {\\n        prefix 64:ff9b::/104\\n    } | 3 | invalid prefix length 104",
      "dns64 {\\n        prefix 8.8.8.8/24\\n    }    | 3 | is an IPv4 network",
      "dns64 foobar                                 | 2 | illegal CIDR notation",
      "dns64 64:ff9b::/96 extra                     | 2 | dns64",
      "dns64 {\\n        foobar\\n    }              | 3 | foobar",
      "dns64 {\\n        prefix\\n    }              | 3 | PREFIX",
  })
  void badConfigurationIsAnErrorAtItsLine(String directive, int line, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> serve(directive.strip().replace("\\n", "\n")).close());
    assertTrue(e.getMessage().contains(":" + line + ": dns64: "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
