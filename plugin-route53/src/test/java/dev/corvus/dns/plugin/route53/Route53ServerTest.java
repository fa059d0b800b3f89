package dev.corvus.dns.plugin.route53;

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
import java.nio.file.Files;
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
 * listed through the AWS SDK from {@link RecordedRoute53} (recorded API responses, not the live
 * service).
 */
class Route53ServerTest {

  private static final String SOA_1536 =
      "org. 300 SOA ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400";
  private static final String SOA_15 =
      "org. 300 SOA ns-15.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400";
  private static final String SOA_20 =
      "org. 300 SOA ns-20.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400";
  private static final String SOA_21 =
      "org. 300 SOA ns-21.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400";

  private RecordedRoute53 api;

  @BeforeEach
  void startApi() throws Exception {
    api = new RecordedRoute53();
  }

  @AfterEach
  void stopApi() {
    api.close();
  }

  private Corvus start(String zones, String options) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  route53 " + zones + " {\n    aws_endpoint " + api.endpoint() + "\n" + options
            + "  }\n  gov_answer\n}\n")
        .plugin(new ExampleGovNext("route53"))
        .dnsPort(0)
        .start();
  }

  /** CoreDNS's route53_test.go: its fake client's record sets, its queries, its expected answers. */
  @Test
  void coreDnsFakeRecordSetsAnswerAsInCoreDnsTests() throws Exception {
    long begin = System.nanoTime();
    api.zone("1234567890", "coredns-1234567890.xml")
        .zone("1357986420", "coredns-1357986420.xml")
        .zone("Z098765432", "empty.xml");
    try (Corvus server = start("org.:1357986420 org.:1234567890 gov.:Z098765432 gov.:1234567890",
        "    aws_access_key AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG\n    fallthrough gov.\n")) {
      awaitReady(server);
      System.out.printf("route53: 4 hosted zones listed and the server ready in %d ms%n",
          (System.nanoTime() - begin) / 1_000_000);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Query q = (name, type) -> tcp ? dns.tcp(name, type) : dns.udp(name, type);
        assertEquals(List.of("example.org. 300 A 1.2.3.4"), answer(q.ask("example.org.", Type.A)));
        // dnsjava writes the address without "::" compression
        assertEquals(List.of("example.org. 300 AAAA 2001:db8:85a3:0:0:8a2e:370:7334"),
            answer(q.ask("example.org.", Type.AAAA)));
        assertEquals(List.of("example.org. 300 PTR ptr.example.org."), answer(q.ask("example.org.", Type.PTR)));
        Message cname = q.ask("sample.example.org.", Type.A);
        assertEquals(List.of("sample.example.org. 300 CNAME example.org.", "example.org. 300 A 1.2.3.4"),
            answer(cname));
        assertTrue(cname.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("sample.example.org. 300 CNAME example.org."),
            answer(q.ask("sample.example.org.", Type.CNAME)));
        Message noNs = q.ask("example.org.", Type.NS);
        assertRcode(Rcode.NOERROR, noNs);
        assertEquals(List.of(), answer(noNs));
        assertEquals(List.of(SOA_1536), section(noNs, Section.AUTHORITY));
        Message splitGov = q.ask("split-example.gov.", Type.AAAA);
        assertRcode(Rcode.NOERROR, splitGov);
        assertEquals(List.of(SOA_1536), section(splitGov, Section.AUTHORITY));
        Message missing = q.ask("bad.org.", Type.A);
        assertRcode(Rcode.NXDOMAIN, missing);
        assertEquals(List.of(SOA_1536), section(missing, Section.AUTHORITY));
        assertEquals(List.of("example.gov. 300 A 2.4.6.8"), answer(q.ask("example.gov.", Type.A)),
            "fallthrough gov. passes a name without records on");
        assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(q.ask("other-example.org.", Type.A)));
        Message splitOrg = q.ask("split-example.org.", Type.AAAA);
        assertEquals(List.of(), answer(splitOrg));
        assertEquals(List.of(SOA_15), section(splitOrg, Section.AUTHORITY));
        assertEquals(List.of("a.www.example.org. 300 CNAME www.example.org.", "www.example.org. 300 A 1.2.3.4"),
            answer(q.ask("a.www.example.org.", Type.A)), "the escaped \\052 owner is a wildcard");
        // without fallthrough for org., a name route53 does not know is not passed on
        assertRcode(Rcode.NXDOMAIN, q.ask("example.gov.org.", Type.A));
      }
    }
    assertTrue(api.requests().stream().allMatch(r -> !r.contains("/rrset") || r.contains("maxitems=1000")),
        api.requests()::toString);
    assertTrue(api.requests().contains("GET /2013-04-01/hostedzonesbyname?dnsname=org.&hostedzoneid=1357986420"),
        api.requests()::toString);
  }

  /**
   * An empty non-terminal (a name without records, names below it) is, in CoreDNS's file.Zone
   * lookup, neither an answer nor NODATA: CoreDNS's route53 asks the next hosted zone for it, and
   * {@code fallthrough} applies to it, as its clouddns and azure do.
   */
  @Test
  void anEmptyNonTerminalAsksTheNextHostedZoneAndFallsThrough() throws Exception {
    api.zone("ZENT", "empty-non-terminals.xml").zone("ZNEXT", "tcp-address.xml");
    try (Corvus server = start("org.:ZENT org.:ZNEXT gov.:ZENT",
        "    aws_access_key AKIDEXAMPLE secret\n    fallthrough gov.\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Query q = (name, type) -> tcp ? dns.tcp(name, type) : dns.udp(name, type);
        assertEquals(List.of("_tcp.example.org. 300 A 192.0.2.81"), answer(q.ask("_tcp.example.org.", Type.A)),
            "_tcp.example.org. is an empty non-terminal of ZENT: ZNEXT is asked");
        assertEquals(List.of("example.gov. 300 A 2.4.6.8"), answer(q.ask("example.gov.", Type.A)),
            "example.gov. is an empty non-terminal of ZENT: fallthrough gov. passes it on");
        Message noData = q.ask("_sip._tcp.example.org.", Type.A);
        assertRcode(Rcode.NOERROR, noData);
        assertEquals(List.of(), answer(noData));
        assertEquals(List.of(SOA_20), section(noData, Section.AUTHORITY), "NODATA of ZENT ends the search");
        // an empty non-terminal of both hosted zones, without fallthrough: NOERROR, the last SOA
        Message ent = q.ask("example.org.", Type.A);
        assertRcode(Rcode.NOERROR, ent);
        assertTrue(ent.getHeader().getFlag(Flags.AA));
        assertEquals(List.of(), answer(ent));
        assertEquals(List.of(SOA_21), section(ent, Section.AUTHORITY));
      }
    }
  }

  @Test
  void everyPageOfAHostedZoneIsListed() throws Exception {
    api.pagedZone("Z1PAGED", Map.of(
        "", "paged-1.xml",
        "api.example.com.|A|blue", "paged-2.xml",
        "mail.example.com.|MX", "paged-3.xml"));
    try (Corvus server = start("example.com.:Z1PAGED", "    aws_access_key AKIDEXAMPLE secret\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      Message ns = dns.udp("example.com.", Type.NS);
      assertEquals(List.of("example.com. 172800 NS ns-2048.awsdns-64.net.", "example.com. 172800 NS ns-2049.awsdns-65.co.uk."),
          answer(ns));
      assertEquals(List.of("api.example.com. 60 A 192.0.2.10"), answer(dns.udp("api.example.com.", Type.A)),
          "page 2, asked for with the identifier of a weighted set");
      Message mx = dns.tcp("mail.example.com.", Type.MX);
      assertEquals(List.of("mail.example.com. 300 MX 10 mx.example.com."), answer(mx), "page 3");
      assertEquals(List.of("mx.example.com. 300 A 192.0.2.25"), section(mx, Section.ADDITIONAL));
      assertEquals(List.of("example.com. 172800 NS ns-2048.awsdns-64.net.", "example.com. 172800 NS ns-2049.awsdns-65.co.uk."),
          section(mx, Section.AUTHORITY));
      assertEquals(List.of("txt.example.com. 300 TXT \"v=spf1 -all\""), answer(dns.udp("txt.example.com.", Type.TXT)));
      Message referral = dns.udp("www.sub.example.com.", Type.A);
      assertFalse(referral.getHeader().getFlag(Flags.AA), "a delegation is not authoritative");
      assertEquals(List.of("sub.example.com. 300 NS ns1.sub.example.com."), section(referral, Section.AUTHORITY));
      assertEquals(List.of("ns1.sub.example.com. 300 A 192.0.2.53"), section(referral, Section.ADDITIONAL));
      // an alias set has no values: CoreDNS inserts nothing for it, so the name does not exist
      Message alias = dns.udp("alias.example.com.", Type.A);
      assertRcode(Rcode.NXDOMAIN, alias);
      assertEquals(List.of(), answer(alias));
    }
    List<String> listings = api.requests().stream().filter(r -> r.contains("/rrset")).toList();
    assertEquals(List.of(
        "GET /2013-04-01/hostedzone/Z1PAGED/rrset?maxitems=1000",
        "GET /2013-04-01/hostedzone/Z1PAGED/rrset?name=api.example.com.&type=A&identifier=blue&maxitems=1000",
        "GET /2013-04-01/hostedzone/Z1PAGED/rrset?name=mail.example.com.&type=MX&maxitems=1000"),
        listings.subList(0, 3));
  }

  @Test
  void whenTheApiFailsTheLastListingIsServedAndTheNextGoodOneReplacesIt() throws Exception {
    api.zone("Z1", "coredns-1357986420.xml");
    try (Corvus server = start("org.:Z1", "    aws_access_key AKIDEXAMPLE secret\n    refresh 100ms\n")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.udp("other-example.org.", Type.A)));

      api.failing(true);
      api.drainListings();
      assertTrue(api.awaitListings(4, 30), "refreshes keep asking while the API fails");
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.udp("other-example.org.", Type.A)));
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.tcp("other-example.org.", Type.A)));
      assertTrue(server.isReady(), "an API outage after the first listing keeps the server ready");

      api.zone("Z1", "coredns-1234567890.xml");
      api.failing(false);
      dns.awaitAnswer("other-example.org.", Type.A, 10_000, m -> m.getRcode() == Rcode.NXDOMAIN);
      assertEquals(List.of("example.org. 300 A 1.2.3.4"), answer(dns.udp("example.org.", Type.A)));
    }
  }

  @Test
  void unreadyAndServfailUntilTheFirstListing() throws Exception {
    api.zone("Z1", "coredns-1357986420.xml");
    api.failing(true);
    try (Corvus server = start("org.:Z1", "    aws_access_key AKIDEXAMPLE secret\n    refresh 200ms\n")) {
      assertFalse(server.isReady());
      assertTrue(server.notReady().contains("route53"), server.notReady()::toString);
      DnsAnswers dns = new DnsAnswers(server);
      assertRcode(Rcode.SERVFAIL, dns.udp("other-example.org.", Type.A));

      api.failing(false);
      dns.awaitAnswer("other-example.org.", Type.A, 10_000, m -> m.getRcode() == Rcode.NOERROR);
      awaitReady(server);
    }
  }

  @Test
  void aHostedZoneThatDoesNotExistLeavesThePluginUnready() throws Exception {
    try (Corvus server = start("org.:ZNOSUCH", "    aws_access_key AKIDEXAMPLE secret\n")) {
      assertFalse(server.isReady());
      assertRcode(Rcode.SERVFAIL, new DnsAnswers(server).udp("example.org.", Type.A));
    }
    assertTrue(api.requests().stream().noneMatch(r -> r.contains("/rrset")),
        "the zone is checked with ListHostedZonesByName before it is listed: " + api.requests());
  }

  @Test
  void credentialsFromANamedProfileSignTheRequests(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("credentials"),
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n"
            + "[corvus]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = y\n");
    api.zone("Z1", "coredns-1357986420.xml");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Corvus server = start("org.:Z1", "    credentials corvus " + file + "\n")) {
      awaitReady(server);
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"),
          answer(new DnsAnswers(server).udp("other-example.org.", Type.A)));
    }
    seen.addAll(api.authorizations());
    assertFalse(seen.isEmpty());
    assertTrue(seen.stream().allMatch(a -> a.startsWith("AWS4-HMAC-SHA256 Credential=AKIDPROFILE/")), seen::toString);
  }

  /** The server starts serving after at most 5 s without the first listing; a cold SDK on a busy machine can take that long. */
  private static void awaitReady(Corvus server) throws InterruptedException {
    assertTrue(Poll.until(Duration.ofSeconds(20), server::isReady), () -> "not ready: " + server.notReady());
  }

  @FunctionalInterface
  private interface Query {
    Message ask(String name, int type);
  }

}
