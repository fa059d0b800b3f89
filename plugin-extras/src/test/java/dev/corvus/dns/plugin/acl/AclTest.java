package dev.corvus.dns.plugin.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AclTest {

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  /** Everything under example.org answers 192.0.2.1 once acl lets it through. */
  private static final String BACKEND = """
        template IN ANY example.org {
          answer "{{ .Name }} 60 IN A 192.0.2.1"
        }
      """;

  private static Corvus server(String acl) throws Exception {
    return Corvus.builder().corefile(".:0 {\n" + acl + "\n" + BACKEND + "}\n").dnsPort(0).start();
  }

  @Test
  void blockRefusesWithExtendedErrorBlocked() throws Exception {
    try (Corvus s = server("acl {\n block type A net 127.0.0.0/8\n}")) {
      Message m = new DnsClient(s.udpAddress()).udp(Queries.ednsQuery("www.example.org.", Type.A));
      assertEquals(Rcode.REFUSED, m.getRcode());
      ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) m.getOPT().getOptions(15).get(0);
      assertEquals(ExtendedErrorCodeOption.BLOCKED, ede.getErrorCode());
      // another type is not blocked
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.TXT).getRcode());
    }
  }

  @Test
  void filterAnswersEmptyNoerrorWithExtendedErrorFiltered() throws Exception {
    try (Corvus s = server("acl {\n filter net 127.0.0.1\n}")) {
      Message m = new DnsClient(s.udpAddress()).udp(Queries.ednsQuery("www.example.org.", Type.A));
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getSection(Section.ANSWER).isEmpty());
      ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) m.getOPT().getOptions(15).get(0);
      assertEquals(ExtendedErrorCodeOption.FILTERED, ede.getErrorCode());
    }
  }

  @Test
  void dropSendsNothing() throws Exception {
    try (Corvus s = server("acl {\n drop\n}")) {
      DnsClient impatient = new DnsClient(s.udpAddress(), Duration.ofMillis(300));
      assertThrows(SocketTimeoutException.class, () -> impatient.udp("www.example.org.", Type.A));
    }
  }

  @Test
  void firstMatchingPolicyWinsAndAllowLetsThrough() throws Exception {
    try (Corvus s = server("acl {\n allow net 127.0.0.1\n block\n}")) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.A).getRcode());
    }
    try (Corvus s = server("acl {\n allow net 10.0.0.0/8 fd00::/8\n block\n}")) {
      assertEquals(Rcode.REFUSED, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.A).getRcode());
    }
  }

  @Test
  void zonesLimitTheRulesAndAllowSettlesLaterAclDirectives() throws Exception {
    try (Corvus s = server("acl example.net {\n block\n}")) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.A).getRcode());
    }
    try (Corvus s = server("acl {\n allow type A\n}\nacl {\n block\n}")) {
      DnsClient client = new DnsClient(s.udpAddress());
      assertEquals(Rcode.NOERROR, client.udp("www.example.org.", Type.A).getRcode());
      assertEquals(Rcode.REFUSED, client.udp("www.example.org.", Type.TXT).getRcode());
    }
  }

  @Test
  void policiesMatchTypesAndNetworks() {
    byte[] loopback = {127, 0, 0, 1};
    byte[] lan = {(byte) 192, (byte) 168, 1, (byte) 200};
    byte[] v6 = Names.parseAddressLiteral("fd00::1").getAddress();
    Policy everything = new Policy(Policy.Action.BLOCK, Set.of(), List.of());
    Policy aFromLan = new Policy(Policy.Action.BLOCK, Set.of(Type.A, Type.HTTPS),
        List.of(Cidr.parse("192.168.1.0/24"), Cidr.parse("fd00::/8")));
    Policy highType = new Policy(Policy.Action.DROP, Set.of(Type.ANY), List.of());
    Object[][] cases = {
        {everything, Type.TXT, null, true},
        {aFromLan, Type.A, lan, true},
        {aFromLan, Type.HTTPS, v6, true},
        {aFromLan, Type.AAAA, lan, false},
        {aFromLan, Type.A, loopback, false},
        {aFromLan, 4095, lan, false}, // beyond the policy's type bits
        {highType, Type.ANY, loopback, true},
        {highType, Type.A, loopback, false},
    };
    for (Object[] c : cases) {
      Policy policy = (Policy) c[0];
      assertEquals(c[3], policy.matches((int) c[1], (byte[]) c[2]), policy + " " + Type.string((int) c[1]));
    }
    assertEquals("block type A HTTPS net 192.168.1.0/24 fd00::/8", aFromLan.toString());
  }

  @Test
  void explicitAllowSettlesLaterAclDirectivesAndCountsOncePerDirective() throws Exception {
    Plugin first = kit.create(new AclFactory(), "acl {\n allow type A\n}");
    Plugin second = kit.create(new AclFactory(), "acl {\n block\n}");
    TestBackend backend = TestBackend.answering(Rcode.NOERROR);
    Handler[] chain = {first.handler().orElseThrow(), second.handler().orElseThrow()};
    assertEquals(Rcode.NOERROR, backend.run(Queries.request("www.example.org.", Type.A), chain).getRcode());
    assertEquals(Rcode.REFUSED, backend.run(Queries.request("www.example.org.", Type.TXT), chain).getRcode());
    assertEquals(1, backend.requests().size());
    // the A query: allowed by the first; the TXT query: passed by the first, blocked by the second
    assertEquals(2, kit.metricValue("coredns_acl_allowed_requests_total", Queries.SERVER, ""));
    assertEquals(1, kit.metricValue("coredns_acl_blocked_requests_total", Queries.SERVER, ".", ""));
  }

  @Test
  void theLongestZoneLabelsTheCountAndQueriesOutsideTheZonesAreNotLookedAt() throws Exception {
    Plugin acl = kit.create(new AclFactory(), ".:53", "acl example.org sub.example.org {\n drop\n}");
    Handler handler = acl.handler().orElseThrow();
    TestBackend backend = TestBackend.answering(Rcode.NOERROR);
    CompletionException dropped = assertThrows(CompletionException.class,
        () -> backend.run(Queries.request("a.sub.example.org.", Type.A), handler));
    assertTrue(((DnsException) dropped.getCause()).isDrop());
    assertEquals(Rcode.NOERROR, backend.run(Queries.request("example.net.", Type.A), handler).getRcode());
    assertEquals(1, kit.metricValue("coredns_acl_dropped_requests_total", Queries.SERVER, "sub.example.org.", ""));
    assertEquals(0, kit.metricValue("coredns_acl_allowed_requests_total", Queries.SERVER, ""));
    assertTrue(kit.scrape().samples("coredns_acl_dropped_requests_total").stream()
        .noneMatch(sample -> "example.org.".equals(sample.labels().get("zone"))), "no sample before a count");
  }

  @Test
  void explanationsSayWhichPolicyMatchedAndCountNothing() throws Exception {
    Plugin acl = kit.create(new AclFactory(), "acl {\n filter type AAAA net 127.0.0.0/8\n}");
    PluginTestKit.Explained filtered = kit.explain(acl, Queries.request("www.example.org.", Type.AAAA),
        PluginTestKit.nxdomain());
    assertEquals(Rcode.NOERROR, filtered.response().getRcode());
    assertEquals(List.of("policy \"filter type AAAA net 127.0.0.0/8\" matched"), filtered.notes());
    PluginTestKit.Explained passed = kit.explain(acl, Queries.request("www.example.org.", Type.A),
        PluginTestKit.nxdomain());
    assertEquals(List.of("no policy matched: passed on"), passed.notes());
    assertEquals(0, kit.metricValue("coredns_acl_filtered_requests_total", Queries.SERVER, ".", ""));
    assertEquals(0, kit.metricValue("coredns_acl_allowed_requests_total", Queries.SERVER, ""));
  }

  @Test
  void badPoliciesAreRejected() {
    for (String bad : List.of(
        "acl {\n deny\n}",
        "acl {\n block type\n}",
        "acl {\n block type NOPE\n}",
        "acl {\n block net 10.0.0.0/33\n}",
        "acl {\n block net not-a-net\n}",
        "acl {\n block source 10.0.0.0/8\n}")) {
      assertThrows(ConfigException.class, () -> kit.create(new AclFactory(), bad), bad);
    }
  }

  @Test
  void badPolicyFailsServerStartWithItsLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(".:0 {\n acl {\n  block net 10.0.0.0/40\n }\n}\n").dnsPort(0).start().close());
    assertTrue(e.getMessage().contains(":3"), e.getMessage());
  }
}
