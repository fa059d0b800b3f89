package dev.corvus.dns.plugin.azure;

import static dev.corvus.dns.testkit.DnsAnswers.answer;
import static dev.corvus.dns.testkit.DnsAnswers.assertRcode;
import static dev.corvus.dns.testkit.DnsAnswers.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.DnsAnswers;
import dev.corvus.dns.testkit.ExampleGovNext;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The directive in a real server on an ephemeral port, asked over UDP and TCP, its records
 * listed through the Azure SDK (signed in with a client secret) from {@link RecordedAzure}:
 * recorded API responses, not the live service.
 */
class AzureServerTest {

  private static final String SOA =
      "example.org. 300 SOA ns1-06.azure-dns.com. azuredns-hostmaster.microsoft.com. 1 3600 300 2419200 300";
  private static final List<String> APEX_NS =
      List.of("example.org. 172800 NS ns1-06.azure-dns.com.", "example.org. 172800 NS ns3-06.azure-dns.org.");

  @TempDir
  Path dir;
  private RecordedAzure api;

  @BeforeEach
  void startApi() throws Exception {
    api = new RecordedAzure();
  }

  @AfterEach
  void stopApi() {
    api.close();
  }

  private Corvus start(String zones, String options) throws Exception {
    return startBlock(azure(zones, options));
  }

  private String azure(String zones, String options) throws java.io.IOException {
    return "  azure " + zones + " {\n"
        + "    tenant " + RecordedAzure.TENANT + "\n"
        + "    client " + RecordedAzure.CLIENT + "\n"
        + "    secret " + RecordedAzure.SECRET + "\n"
        + "    subscription " + RecordedAzure.SUBSCRIPTION + "\n"
        + "    environment AZURESTACKCLOUD " + api.environmentFile(dir) + "\n"
        + options + "  }\n";
  }

  private Corvus startBlock(String directives) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n" + directives + "  gov_answer\n}\n")
        .plugin(new ExampleGovNext("azure"))
        .dnsPort(0)
        .start();
  }

  /** CoreDNS's azure_test.go: its records (listed as Azure lists them), its queries, its answers. */
  @Test
  void coreDnsTestRecordsAnswerAsInCoreDnsTests() throws Exception {
    long begin = System.nanoTime();
    api.publicZone("corvus-rg", "example.org", Map.of("", "example.org-1.json", "page2", "example.org-2.json"));
    try (Corvus server = start("corvus-rg:example.org", "")) {
      awaitReady(server);
      System.out.printf("azure: token, 2 pages listed and the server ready in %d ms%n",
          (System.nanoTime() - begin) / 1_000_000);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Query q = (name, type) -> tcp ? dns.tcp(name, type) : dns.udp(name, type);
        Message a = q.ask("example.org.", Type.A);
        assertEquals(List.of("example.org. 300 A 1.2.3.4"), answer(a));
        assertTrue(a.getHeader().getFlag(Flags.AA));
        assertEquals(APEX_NS, section(a, Section.AUTHORITY));
        // dnsjava writes the address without "::" compression
        assertEquals(List.of("example.org. 300 AAAA 2001:db8:85a3:0:0:8a2e:370:7334"),
            answer(q.ask("example.org.", Type.AAAA)));
        assertEquals(List.of(SOA), answer(q.ask("example.org.", Type.SOA)));
        assertRcode(Rcode.SERVFAIL, q.ask("badexample.com.", Type.A));
        assertEquals(List.of("example.gov. 300 A 2.4.6.8"), answer(q.ask("example.gov.", Type.A)),
            "a name outside the zones goes to the next plugin");
        assertEquals(List.of("example.org. 300 SRV 1 10 5269 srv-1.example.com.",
            "example.org. 300 SRV 1 10 5269 srv-2.example.com."), answer(q.ask("example.org.", Type.SRV)));
        assertEquals(List.of("cname.example.org. 300 CNAME example.org."), answer(q.ask("cname.example.org.", Type.CNAME)));
        assertEquals(List.of("cname.example.org. 300 CNAME example.org.", "example.org. 300 A 1.2.3.4"),
            answer(q.ask("cname.example.org.", Type.A)));
        assertEquals(List.of("mail.example.org. 300 MX 10 mailserver.example.com."),
            answer(q.ask("mail.example.org.", Type.MX)));
        assertEquals(List.of("ptr.example.org. 300 PTR www.ptr-example.com."), answer(q.ask("ptr.example.org.", Type.PTR)));
        assertEquals(List.of("txt.example.org. 300 TXT \"TXT for example.org\"", "txt.example.org. 300 TXT \"v=spf1\" \" -all\""),
            answer(q.ask("txt.example.org.", Type.TXT)), "each TXT value (a list of strings) is one record");
        // beyond CoreDNS's test: the second page, NS, wildcards, referrals, NODATA, NXDOMAIN
        assertEquals(List.of("www.example.org. 300 A 1.2.3.4"), answer(q.ask("www.example.org.", Type.A)), "page 2");
        assertEquals(APEX_NS, answer(q.ask("example.org.", Type.NS)));
        assertEquals(List.of("x.apps.example.org. 60 A 192.0.2.80"), answer(q.ask("x.apps.example.org.", Type.A)));
        Message referral = q.ask("www.sub.example.org.", Type.A);
        assertFalse(referral.getHeader().getFlag(Flags.AA), "a delegation is not authoritative");
        assertEquals(List.of("sub.example.org. 3600 NS ns1.sub.example.org."), section(referral, Section.AUTHORITY));
        assertEquals(List.of("ns1.sub.example.org. 3600 A 192.0.2.53"), section(referral, Section.ADDITIONAL));
        Message caa = q.ask("example.org.", Type.CAA);
        assertRcode(Rcode.NOERROR, caa);
        assertEquals(List.of(), answer(caa), "CAA record sets are not served, as in CoreDNS");
        assertEquals(List.of(SOA), section(caa, Section.AUTHORITY));
        Message missing = q.ask("nope.example.org.", Type.A);
        assertRcode(Rcode.NXDOMAIN, missing);
        assertEquals(List.of(SOA), section(missing, Section.AUTHORITY));
        // a record set that cannot be read (address 192.0.2.256) is skipped, the rest of its page served
        assertRcode(Rcode.NXDOMAIN, q.ask("broken.example.org.", Type.A));
      }
    }
    String prefix = "GET /subscriptions/" + RecordedAzure.SUBSCRIPTION
        + "/resourceGroups/corvus-rg/providers/Microsoft.Network/dnsZones/example.org/recordsets?api-version=2018-05-01";
    assertEquals(List.of(prefix, prefix + "&$skipToken=page2"), api.requests().subList(0, 2), api.requests()::toString);
    String token = api.tokenRequests().get(0);
    assertTrue(token.contains("grant_type=client_credentials") && token.contains("client_id=" + RecordedAzure.CLIENT)
        && token.contains(api.endpoint() + ".default"), "a token for the Resource Manager endpoint, as CoreDNS asks: " + token);
    assertTrue(token.matches(".*\\(framing\\)=\\d+/null.*"), "the token request has a Content-Length, not chunks: " + token);
  }

  @Test
  void privateZonesAreListedFromPrivateDns() throws Exception {
    api.privateZone("corvus-rg", "corp.internal", Map.of("", "corp.internal.json"));
    try (Corvus server = start("corvus-rg:corp.internal", "    access private\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Query q = (name, type) -> tcp ? dns.tcp(name, type) : dns.udp(name, type);
        assertEquals(List.of("db.corp.internal. 10 A 10.0.0.4", "db.corp.internal. 10 A 10.0.0.5"),
            answer(q.ask("db.corp.internal.", Type.A)));
        assertEquals(List.of("vm-1.corp.internal. 10 A 10.0.1.7"), answer(q.ask("vm-1.corp.internal.", Type.A)),
            "an auto-registered VM's record");
        assertEquals(List.of("api.corp.internal. 60 CNAME db.corp.internal.", "db.corp.internal. 10 A 10.0.0.4",
            "db.corp.internal. 10 A 10.0.0.5"), answer(q.ask("api.corp.internal.", Type.A)));
        assertEquals(List.of("_ldap._tcp.corp.internal. 300 SRV 0 100 389 dc1.corp.internal."),
            answer(q.ask("_ldap._tcp.corp.internal.", Type.SRV)));
        assertEquals(List.of("corp.internal. 300 TXT \"private zone\""), answer(q.ask("corp.internal.", Type.TXT)));
        Message missing = q.ask("nope.corp.internal.", Type.A);
        assertRcode(Rcode.NXDOMAIN, missing);
        assertEquals(List.of("corp.internal. 3600 SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10"),
            section(missing, Section.AUTHORITY));
      }
    }
    assertEquals("GET /subscriptions/" + RecordedAzure.SUBSCRIPTION + "/resourceGroups/corvus-rg/providers/"
        + "Microsoft.Network/privateDnsZones/corp.internal/ALL?api-version=2024-06-01", api.requests().get(0));
  }

  /** setup_test.go's last cases: two azure lines in one block, access private on one only. */
  @Test
  void twoAzureLinesInOneBlockEachServeTheirZones() throws Exception {
    api.privateZone("corvus-rg", "corp.internal", Map.of("", "corp.internal.json"))
        .publicZone("corvus-rg", "example.org", Map.of("", "example.org-1.json", "page2", "example.org-2.json"));
    try (Corvus server = startBlock(azure("corvus-rg:corp.internal", "    access private\n")
        + azure("corvus-rg:example.org", ""))) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("vm-1.corp.internal. 10 A 10.0.1.7"), answer(dns.udp("vm-1.corp.internal.", Type.A)));
      assertEquals(List.of("www.example.org. 300 A 1.2.3.4"), answer(dns.tcp("www.example.org.", Type.A)));
    }
    assertTrue(api.requests().stream().anyMatch(r -> r.contains("/privateDnsZones/corp.internal/ALL")), api.requests()::toString);
    assertTrue(api.requests().stream().anyMatch(r -> r.contains("/dnsZones/example.org/recordsets")), api.requests()::toString);
  }

  @Test
  void fallthroughPassesNamesWithoutRecordsOn() throws Exception {
    api.publicZone("corvus-rg", "example.org", Map.of("", "example.org-1.json", "page2", "example.org-2.json"))
        .publicZone("gov-rg", "example.gov", Map.of("", "example.gov.json"));
    try (Corvus server = start("corvus-rg:example.org gov-rg:example.gov", "    fallthrough example.gov.\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("other.example.gov. 300 A 2.4.6.8"), answer(dns.udp("other.example.gov.", Type.A)),
          "fallthrough example.gov.: a name the zone does not have goes to the next plugin");
      assertEquals(List.of("other.example.gov. 300 A 2.4.6.8"), answer(dns.tcp("other.example.gov.", Type.A)));
      // the recorded apex holds only the SOA, which CoreDNS's file.Zone keeps apart from the zone's
      // names: the apex is an empty non-terminal there, and CoreDNS's azure falls through for it
      assertEquals(List.of("example.gov. 300 A 2.4.6.8"), answer(dns.udp("example.gov.", Type.A)),
          "an apex with no record set but the SOA is an empty non-terminal: fallthrough applies");
      assertEquals(List.of("split-example.example.gov. 300 AAAA 2001:db8:0:0:0:0:0:53"),
          answer(dns.udp("split-example.example.gov.", Type.AAAA)));
      Message splitNoData = dns.udp("split-example.example.gov.", Type.A);
      assertRcode(Rcode.NOERROR, splitNoData);
      assertEquals(List.of(), answer(splitNoData), "NODATA is an answer: no fallthrough");
      // without fallthrough for example.org., a name it does not know is NXDOMAIN
      assertRcode(Rcode.NXDOMAIN, dns.udp("nope.example.org.", Type.A));
    }
  }

  /**
   * CoreDNS's azure ServeDNS asks the next Azure zone unless the file.Zone lookup gave an answer or
   * NoData, and an empty non-terminal is neither (Success with no answer): the next zone is asked,
   * and fallthrough applies to it.
   */
  @Test
  void anEmptyNonTerminalAsksTheNextAzureZoneAndFallsThrough() throws Exception {
    api.publicZone("ent-rg", "example.gov", Map.of("", "example.gov-ent.json"))
        .publicZone("gov-rg", "example.gov", Map.of("", "example.gov.json"));
    try (Corvus server = start("ent-rg:example.gov gov-rg:example.gov", "    fallthrough example.gov.\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Query q = (name, type) -> tcp ? dns.tcp(name, type) : dns.udp(name, type);
        assertEquals(List.of("split-example.example.gov. 300 AAAA 2001:db8:0:0:0:0:0:53"),
            answer(q.ask("split-example.example.gov.", Type.AAAA)),
            "an empty non-terminal of the first Azure zone: the second one answers");
        assertEquals(List.of("x.split-example.example.gov. 300 A 192.0.2.82"),
            answer(q.ask("x.split-example.example.gov.", Type.A)));
        Message noData = q.ask("split-example.example.gov.", Type.A);
        assertRcode(Rcode.NOERROR, noData);
        assertEquals(List.of(), answer(noData), "the second zone's NODATA ends the search: no fallthrough");
        assertEquals(List.of("b.example.gov. 300 A 2.4.6.8"), answer(q.ask("b.example.gov.", Type.A)),
            "an empty non-terminal of one zone, unknown to the other: fallthrough example.gov. applies");
      }
    }
    try (Corvus server = start("gov-rg:example.gov ent-rg:example.gov", "")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Message ent = tcp ? dns.tcp("b.example.gov.", Type.A) : dns.udp("b.example.gov.", Type.A);
        assertRcode(Rcode.NOERROR, ent);
        assertTrue(ent.getHeader().getFlag(Flags.AA));
        assertEquals(List.of(), answer(ent));
        assertEquals(List.of("example.gov. 3600 SOA ns1-02.azure-dns.com. azuredns-hostmaster.microsoft.com. 2 3600 300 2419200 300"),
            section(ent, Section.AUTHORITY), "without fallthrough, the last zone's empty non-terminal stands");
      }
    }
  }

  @Test
  void aRefreshPicksUpAChangedRecordAndAnApiFailureKeepsTheLastListing() throws Exception {
    api.publicZone("corvus-rg", "example.org", Map.of("", "example.org-1.json", "page2", "example.org-2.json"));
    try (Corvus server = start("corvus-rg:example.org", "    refresh 100ms\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("www.example.org. 300 A 1.2.3.4"), answer(dns.udp("www.example.org.", Type.A)));

      api.publicZone("corvus-rg", "example.org", Map.of("", "example.org-changed.json"));
      dns.awaitAnswer("www.example.org.", Type.A, 10_000,
          m -> answer(m).equals(List.of("www.example.org. 300 A 192.0.2.99")));
      assertEquals(List.of("www.example.org. 300 A 192.0.2.99"), answer(dns.tcp("www.example.org.", Type.A)));

      api.failing(true);
      api.drainListings();
      assertTrue(api.awaitListings(3, 30), "refreshes keep asking while the API fails");
      assertEquals(List.of("www.example.org. 300 A 192.0.2.99"), answer(dns.udp("www.example.org.", Type.A)));
      assertEquals(List.of("www.example.org. 300 A 192.0.2.99"), answer(dns.tcp("www.example.org.", Type.A)));
      assertEquals(List.of("x.apps.example.org. 60 A 192.0.2.80"), answer(dns.udp("x.apps.example.org.", Type.A)));
      assertTrue(server.isReady(), "an API failure after the first listing keeps the server ready");

      api.publicZone("corvus-rg", "example.org", Map.of("", "example.org-1.json", "page2", "example.org-2.json"));
      api.failing(false);
      dns.awaitAnswer("www.example.org.", Type.A, 10_000,
          m -> answer(m).equals(List.of("www.example.org. 300 A 1.2.3.4")));
    }
    assertEquals(1, api.tokenRequests().size(), "the token is cached across refreshes: " + api.tokenRequests());
  }

  @Test
  void unreadyAndServfailUntilTheFirstListing() throws Exception {
    api.publicZone("corvus-rg", "example.org", Map.of("", "example.org-1.json", "page2", "example.org-2.json"));
    api.failing(true);
    try (Corvus server = start("corvus-rg:example.org", "    refresh 200ms\n")) {
      assertFalse(server.isReady());
      assertTrue(server.notReady().contains("azure"), server.notReady()::toString);
      DnsAnswers dns = new DnsAnswers(server);
      assertRcode(Rcode.SERVFAIL, dns.udp("www.example.org.", Type.A));
      assertEquals(List.of("example.gov. 300 A 2.4.6.8"), answer(dns.udp("example.gov.", Type.A)),
          "names outside the zones are not held up");

      api.failing(false);
      dns.awaitAnswer("www.example.org.", Type.A, 10_000, m -> m.getRcode() == Rcode.NOERROR);
      awaitReady(server);
    }
  }

  @Test
  void aZoneThatDoesNotExistLeavesThePluginUnready() throws Exception {
    try (Corvus server = start("corvus-rg:nosuch.example", "")) {
      assertFalse(server.isReady());
      assertRcode(Rcode.SERVFAIL, new DnsAnswers(server).udp("www.nosuch.example.", Type.A));
    }
    assertTrue(api.requests().stream().anyMatch(r -> r.contains("/dnsZones/nosuch.example/recordsets")),
        api.requests()::toString);
  }

  /** The server starts serving after at most 5 s without the first listing; a cold SDK on a busy machine can take that long. */
  private static void awaitReady(Corvus server) throws InterruptedException {
    assertTrue(Poll.until(Duration.ofSeconds(30), server::isReady), () -> "not ready: " + server.notReady());
  }

  @FunctionalInterface
  private interface Query {
    Message ask(String name, int type);
  }

}
