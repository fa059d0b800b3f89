package dev.corvus.dns.plugin.clouddns;

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
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * listed through Google's Cloud DNS client from {@link RecordedCloudDns} (recorded API responses
 * and a token endpoint that checks the service account's signed JWT; not the live service).
 */
class CloudDnsServerTest {

  private static final String SOA_C1 =
      "org. 300 SOA ns-cloud-c1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 300 259200 300";
  private static final String SOA_E1 =
      "org. 300 SOA ns-cloud-e1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 300 259200 300";
  private static final String P = RecordedCloudDns.PROJECT;

  @TempDir
  Path dir;
  private RecordedCloudDns api;
  private Path key;

  @BeforeEach
  void startApi() throws Exception {
    api = new RecordedCloudDns();
    key = api.serviceAccountKey(dir);
    System.setProperty(CloudDnsFactory.ENDPOINT_PROPERTY, api.endpoint().toString());
  }

  @AfterEach
  void stopApi() {
    System.clearProperty(CloudDnsFactory.ENDPOINT_PROPERTY);
    System.clearProperty(CloudDnsFactory.REFRESH_PROPERTY);
    api.close();
  }

  private Corvus start(String zones, String options) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  clouddns " + zones + " {\n    credentials " + key + "\n" + options
            + "  }\n  gov_answer\n}\n")
        .plugin(new ExampleGovNext("clouddns"))
        .dnsPort(0)
        .start();
  }

  /** CoreDNS's clouddns_test.go: its fake client's record sets, its queries, its expected answers. */
  @Test
  void coreDnsFakeRecordSetsAnswerAsInCoreDnsTests() throws Exception {
    long begin = System.nanoTime();
    api.zone("sample-zone-1", "sample-zone-1.json").zone("sample-zone-2", "sample-zone-2.json");
    try (Corvus server = start("org.:" + P + ":sample-zone-2 org.:" + P + ":sample-zone-1 gov.:" + P
        + ":sample-zone-2 gov.:" + P + ":sample-zone-1", "    fallthrough gov.\n")) {
      awaitReady(server);
      System.out.printf("clouddns: 4 managed zones listed and the server ready in %d ms%n",
          (System.nanoTime() - begin) / 1_000_000);
      DnsAnswers dns = new DnsAnswers(server);
      for (boolean tcp : new boolean[] {false, true}) {
        Query q = (name, type) -> tcp ? dns.tcp(name, type) : dns.udp(name, type);
        // 0-2: example.org. is an empty non-terminal of sample-zone-2 (_dummy._tcp.example.org. is
        // below it); as in CoreDNS, that is no NODATA, so sample-zone-1 is asked next
        assertEquals(List.of("example.org. 300 A 1.2.3.4"), answer(q.ask("example.org.", Type.A)));
        assertEquals(List.of("example.org. 300 AAAA 2001:db8:85a3:0:0:8a2e:370:7334"),
            answer(q.ask("example.org.", Type.AAAA)), "dnsjava writes the address without '::'");
        assertEquals(List.of("example.org. 300 PTR ptr.example.org."), answer(q.ask("example.org.", Type.PTR)));
        // 3-4: the CNAME value "example.org" is made fully qualified
        Message cname = q.ask("sample.example.org.", Type.A);
        assertEquals(List.of("sample.example.org. 300 CNAME example.org.", "example.org. 300 A 1.2.3.4"),
            answer(cname));
        assertTrue(cname.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("sample.example.org. 300 CNAME example.org."),
            answer(q.ask("sample.example.org.", Type.CNAME)));
        // 5: NODATA with the SOA of the managed zone that has the name
        Message noNs = q.ask("example.org.", Type.NS);
        assertRcode(Rcode.NOERROR, noNs);
        assertEquals(List.of(), answer(noNs));
        assertEquals(List.of(SOA_C1), section(noNs, Section.AUTHORITY));
        // 6
        Message splitGov = q.ask("split-example.gov.", Type.AAAA);
        assertRcode(Rcode.NOERROR, splitGov);
        assertEquals(List.of(SOA_C1), section(splitGov, Section.AUTHORITY));
        // 7: not a zone of the plugin: the next plugin answers (SERVFAIL in CoreDNS's test)
        assertRcode(Rcode.SERVFAIL, q.ask("badexample.com.", Type.A));
        // 8: NXDOMAIN with the last managed zone's SOA
        Message missing = q.ask("bad.org.", Type.A);
        assertRcode(Rcode.NXDOMAIN, missing);
        assertEquals(List.of(SOA_C1), section(missing, Section.AUTHORITY));
        // 9
        assertEquals(List.of("example.gov. 300 A 2.4.6.8"), answer(q.ask("example.gov.", Type.A)),
            "fallthrough gov. passes a name without records on");
        // 10-11: the first managed zone answers
        assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(q.ask("other-example.org.", Type.A)));
        Message splitOrg = q.ask("split-example.org.", Type.AAAA);
        assertEquals(List.of(), answer(splitOrg));
        assertEquals(List.of(SOA_E1), section(splitOrg, Section.AUTHORITY));
        // 12: a wildcard CNAME
        assertEquals(List.of("a.www.example.org. 300 CNAME www.example.org.", "www.example.org. 300 A 1.2.3.4"),
            answer(q.ask("a.www.example.org.", Type.A)));
        // 13: both values of one record set, targets made fully qualified
        assertEquals(List.of("_dummy._tcp.example.org. 300 SRV 0 0 5269 split-example.org.",
            "_dummy._tcp.example.org. 300 SRV 0 0 5269 other-example.org."),
            answer(q.ask("_dummy._tcp.example.org.", Type.SRV)));
        // an empty non-terminal of sample-zone-2 only: sample-zone-1 is asked, and its NXDOMAIN stands
        Message ent = q.ask("_tcp.example.org.", Type.A);
        assertRcode(Rcode.NXDOMAIN, ent);
        assertEquals(List.of(SOA_C1), section(ent, Section.AUTHORITY), "sample-zone-1 has no such name");
        // without fallthrough for org., a name the plugin does not know is not passed on
        assertRcode(Rcode.NXDOMAIN, q.ask("example.gov.org.", Type.A));
      }
    }
    assertEquals(1, api.tokensIssued(), "one access token, reused: " + api.assertions());
    String claims = api.assertions().get(0);
    assertTrue(claims.contains("\"scope\":\"https://www.googleapis.com/auth/ndev.clouddns.readonly\""), claims);
    assertTrue(claims.contains("\"iss\":\"corvus-dns@" + P + ".iam.gserviceaccount.com\""), claims);
    assertTrue(api.requests().contains("GET /dns/v1/projects/" + P + "/managedZones/sample-zone-2"),
        "each managed zone is checked with managedZones.get: " + api.requests());
  }

  @Test
  void everyPageOfAManagedZoneIsListed() throws Exception {
    api.pagedZone("paged-zone", Map.of(
        "", "paged-1.json",
        "CkFwaS5leGFtcGxlLmNvbS4gQQ", "paged-2.json",
        "Cm14LmV4YW1wbGUuY29tLiBB", "paged-3.json"));
    try (Corvus server = start("example.com.:" + P + ":paged-zone", "")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      List<String> ns = List.of("example.com. 21600 NS ns-cloud-a1.googledomains.com.",
          "example.com. 21600 NS ns-cloud-a2.googledomains.com.");
      assertEquals(ns, answer(dns.udp("example.com.", Type.NS)));
      assertEquals(List.of("api.example.com. 60 A 192.0.2.10"), answer(dns.udp("api.example.com.", Type.A)));
      Message mx = dns.tcp("mail.example.com.", Type.MX);
      assertEquals(List.of("mail.example.com. 300 MX 10 mx.example.com."), answer(mx), "page 2");
      assertEquals(List.of("mx.example.com. 300 A 192.0.2.25"), section(mx, Section.ADDITIONAL));
      assertEquals(ns, section(mx, Section.AUTHORITY));
      assertEquals(List.of("txt.example.com. 300 TXT \"v=spf1 -all\""), answer(dns.udp("txt.example.com.", Type.TXT)),
          "page 3");
      Message referral = dns.udp("www.sub.example.com.", Type.A);
      assertFalse(referral.getHeader().getFlag(Flags.AA), "a delegation is not authoritative");
      assertEquals(List.of("sub.example.com. 300 NS ns1.sub.example.com."), section(referral, Section.AUTHORITY));
      assertEquals(List.of("ns1.sub.example.com. 300 A 192.0.2.53"), section(referral, Section.ADDITIONAL));
      // a set with a routing policy has no rrdatas: CoreDNS inserts nothing for it
      Message geo = dns.udp("geo.example.com.", Type.A);
      assertRcode(Rcode.NXDOMAIN, geo);
      assertEquals(List.of(), answer(geo));
    }
    List<String> listings = api.requests().stream().filter(r -> r.contains("/rrsets")).toList();
    String rrsets = "GET /dns/v1/projects/" + P + "/managedZones/paged-zone/rrsets";
    assertEquals(List.of(rrsets, rrsets + "?pageToken=CkFwaS5leGFtcGxlLmNvbS4gQQ",
        rrsets + "?pageToken=Cm14LmV4YW1wbGUuY29tLiBB"), listings.subList(0, 3));
  }

  @Test
  void aRefreshPicksUpAChangedRecord() throws Exception {
    System.setProperty(CloudDnsFactory.REFRESH_PROPERTY, "100");
    api.zone("sample-zone-2", "sample-zone-2.json");
    try (Corvus server = start("org.:" + P + ":sample-zone-2", "")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.udp("other-example.org.", Type.A)));
      assertEquals(2, answer(dns.tcp("_dummy._tcp.example.org.", Type.SRV)).size());

      api.zone("sample-zone-2", "sample-zone-2-changed.json");
      Message changed = dns.awaitAnswer("other-example.org.", Type.A, 10_000, m -> answer(m).size() == 2);
      assertEquals(List.of("other-example.org. 60 A 3.5.7.10", "other-example.org. 60 A 3.5.7.11"), answer(changed));
      assertEquals(List.of("other-example.org. 60 A 3.5.7.10", "other-example.org. 60 A 3.5.7.11"),
          answer(dns.tcp("other-example.org.", Type.A)));
      Message removed = dns.udp("_dummy._tcp.example.org.", Type.SRV);
      assertRcode(Rcode.NXDOMAIN, removed);
      assertEquals(List.of(SOA_E1.replace(" 1 21600", " 2 21600")), section(removed, Section.AUTHORITY));
    }
  }

  @Test
  void whenTheApiFailsTheLastListingIsServedAndTheFailureLogged() throws Exception {
    System.setProperty(CloudDnsFactory.REFRESH_PROPERTY, "100");
    api.zone("sample-zone-2", "sample-zone-2.json");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    // slf4j-simple writes to whatever System.err is when it logs
    System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try (Corvus server = start("org.:" + P + ":sample-zone-2", "")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.udp("other-example.org.", Type.A)));

      api.failing(true);
      api.drainListings();
      assertTrue(api.awaitListings(4, 30), "refreshes keep asking while the API fails");
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.udp("other-example.org.", Type.A)));
      assertEquals(List.of("other-example.org. 300 A 3.5.7.9"), answer(dns.tcp("other-example.org.", Type.A)));
      assertTrue(server.isReady(), "an API outage after the first listing keeps the server ready");
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> captured.toString(StandardCharsets.UTF_8).contains(
          "clouddns: failed to update org.:" + P + ":sample-zone-2, serving its last listing if any")),
          captured.toString(StandardCharsets.UTF_8));
      assertTrue(captured.toString(StandardCharsets.UTF_8).contains("503"), captured.toString(StandardCharsets.UTF_8));

      api.zone("sample-zone-2", "sample-zone-2-changed.json");
      api.failing(false);
      dns.awaitAnswer("other-example.org.", Type.A, 10_000, m -> answer(m).size() == 2);
    } finally {
      System.setErr(original);
    }
  }

  /** CoreDNS's TestCloudDNSConcurrentServeDNS: queries from several threads while the records are swapped. */
  @Test
  void queriesDuringRefreshesAlwaysSeeAWholeListing() throws Exception {
    System.setProperty(CloudDnsFactory.REFRESH_PROPERTY, "10");
    api.zone("sample-zone-1", "sample-zone-1.json").zone("sample-zone-2", "sample-zone-2.json");
    try (Corvus server = start("org.:" + P + ":sample-zone-2 org.:" + P + ":sample-zone-1", "")) {
      awaitReady(server);
      DnsAnswers dns = new DnsAnswers(server);
      api.drainListings();
      List<String[]> queries = List.of(
          new String[] {"example.org.", "A", "example.org. 300 A 1.2.3.4"},
          new String[] {"sample.example.org.", "A", "sample.example.org. 300 CNAME example.org."},
          new String[] {"a.www.example.org.", "A", "a.www.example.org. 300 CNAME www.example.org."},
          new String[] {"other-example.org.", "A", "other-example.org. 300 A 3.5.7.9"},
          new String[] {"_dummy._tcp.example.org.", "SRV", "_dummy._tcp.example.org. 300 SRV 0 0 5269 split-example.org."});
      java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
        for (int worker = 0; worker < 4; worker++) {
          int id = worker;
          done.add(clients.submit(() -> {
            int answered = 0;
            for (int i = 0; i < 150; i++) {
              String[] q = queries.get((id + i) % queries.size());
              Message m = (i % 2 == 0) ? dns.udp(q[0], Type.value(q[1])) : dns.tcp(q[0], Type.value(q[1]));
              assertRcode(Rcode.NOERROR, m);
              assertEquals(q[2], answer(m).get(0), q[0]);
              answered++;
            }
            return answered;
          }));
        }
        int total = 0;
        for (java.util.concurrent.Future<Integer> f : done) {
          total += f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertEquals(600, total);
        assertTrue(api.awaitListings(4, 30), "the records were listed again while the queries ran");
      } finally {
        clients.shutdownNow();
      }
    }
  }

  @Test
  void unreadyAndServfailUntilTheFirstListing() throws Exception {
    System.setProperty(CloudDnsFactory.REFRESH_PROPERTY, "200");
    api.zone("sample-zone-2", "sample-zone-2.json");
    api.failing(true);
    try (Corvus server = start("org.:" + P + ":sample-zone-2", "")) {
      assertFalse(server.isReady());
      assertTrue(server.notReady().contains("clouddns"), server.notReady()::toString);
      DnsAnswers dns = new DnsAnswers(server);
      assertRcode(Rcode.SERVFAIL, dns.udp("other-example.org.", Type.A));

      api.failing(false);
      dns.awaitAnswer("other-example.org.", Type.A, 10_000, m -> m.getRcode() == Rcode.NOERROR);
      awaitReady(server);
    }
  }

  @Test
  void aManagedZoneThatDoesNotExistLeavesThePluginUnready() throws Exception {
    try (Corvus server = start("org.:" + P + ":no-such-zone", "")) {
      assertFalse(server.isReady());
      assertRcode(Rcode.SERVFAIL, new DnsAnswers(server).udp("example.org.", Type.A));
    }
    assertTrue(api.requests().contains("GET /dns/v1/projects/" + P + "/managedZones/no-such-zone"), api.requests()::toString);
    assertTrue(api.requests().stream().noneMatch(r -> r.contains("/rrsets")),
        "the zone is checked with managedZones.get before it is listed: " + api.requests());
  }

  /** The server starts serving after at most 5 s without the first listing; a cold client on a busy machine can take that long. */
  private static void awaitReady(Corvus server) throws InterruptedException {
    assertTrue(Poll.until(Duration.ofSeconds(20), server::isReady), () -> "not ready: " + server.notReady());
  }

  @FunctionalInterface
  private interface Query {
    Message ask(String name, int type);
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public synchronized void flush() throws java.io.IOException {
      first.flush();
      second.flush();
    }
  }

}
