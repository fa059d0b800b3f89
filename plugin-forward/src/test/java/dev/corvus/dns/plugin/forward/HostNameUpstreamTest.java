package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.awaitTrue;
import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import dev.corvus.dns.api.plugin.SelfCheck.Severity;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.PluginTestKit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Host names as upstreams ({@code forward . dns.example:PORT}), looked up with the {@code resolver}
 * option's servers (a stub resolver on loopback) or the system's resolver, and again when their TTL
 * runs out. The upstreams listen on two loopback addresses, 127.0.0.1 and 127.0.0.2, on one port,
 * so that the name's address alone decides which one answers.
 */
class HostNameUpstreamTest {

  private static final String NAME = "upstream.test.";

  private static List<String> labels(ForwardHarness forward) {
    return forward.plugin.upstreams().stream().map(Upstream::label).toList();
  }

  @Test
  void aHostNameIsResolvedWithTheResolverOptionBeforeTheServerServes() throws Exception {
    try (StubResolver resolver = new StubResolver(NAME);
        FaultyUpstream up = FaultyUpstream.start("10.0.0.1")) {
      resolver.answer(60, "127.0.0.1");
      try (ForwardHarness forward = new ForwardHarness(
          "forward . upstream.test:" + up.port() + " {\n resolver " + resolver.hostPort() + "\n}")) {
        // No waiting: the plugin started once the name was looked up.
        assertEquals(List.of(up.hostPort()), labels(forward));
        assertEquals("10.0.0.1", firstAddress(forward.query("www.example.", Type.A)));
        assertEquals(2, resolver.queries(), "A and AAAA");
        assertEquals(1, forward.metricValue("corvus_forward_host_addresses", "upstream.test:" + up.port()));
        assertEquals(0, forward.metricValue("corvus_forward_host_resolution_failures_total", "upstream.test:" + up.port()));
      }
    }
  }

  /** The name is looked up again once its TTL has run out on the plugin's ticker, not before. */
  @Test
  void aHostNameIsLookedUpAgainWhenItsTtlRunsOut() throws Exception {
    ManualClock clock = new ManualClock();
    try (StubResolver resolver = new StubResolver(NAME);
        FaultyUpstream first = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream second = FaultyUpstream.startOn("10.0.0.2", "127.0.0.2", first.port())) {
      resolver.answer(1, "127.0.0.1");
      String to = "upstream.test:" + first.port();
      try (ForwardHarness forward = new ForwardHarness(
          "forward . " + to + " {\n resolver " + resolver.hostPort() + "\n}", clock)) {
        assertEquals("10.0.0.1", firstAddress(forward.query("before.example.", Type.A)));
        resolver.answer(1, "127.0.0.2");
        Upstream old = forward.plugin.upstreams().get(0);

        assertEquals("10.0.0.1", firstAddress(forward.query("still.example.", Type.A)), "the TTL has not run out");
        assertEquals(2, resolver.queries(), "not looked up again yet");

        clock.advance(Duration.ofSeconds(1));
        awaitTrue("looked up again and moved to the new address",
            () -> labels(forward).equals(List.of(second.hostPort())));
        assertEquals("10.0.0.2", firstAddress(forward.query("after.example.", Type.A)));
        assertEquals(0, second.queries("before.example.") + first.queries("after.example."));
        awaitTrue("the old upstream was closed", () -> old.openUdpSockets().join() == 0);
        assertEquals(List.of(Map.of("host", to, "addresses", List.of("127.0.0.2"))),
            hosts(forward).stream().map(h -> Map.of("host", h.get("host"), "addresses", h.get("addresses"))).toList());
      }
    }
  }

  /**
   * A name that does not resolve is no reason not to start: it names no upstream (queries fail
   * with SERVFAIL when nothing else is configured), it is logged and counted, and it is tried
   * again until it resolves.
   */
  @Test
  void aHostNameThatDoesNotResolveNamesNoUpstreamUntilItDoes() throws Exception {
    ManualClock clock = new ManualClock();
    try (StubResolver resolver = new StubResolver(NAME);
        FaultyUpstream up = FaultyUpstream.start("10.0.0.1")) {
      String to = "upstream.test:" + up.port();
      try (ForwardHarness forward = new ForwardHarness(
          "forward . " + to + " {\n resolver " + resolver.hostPort() + "\n}", clock)) {
        assertTrue(labels(forward).isEmpty());
        assertEquals(Rcode.SERVFAIL, forward.query("www.example.", Type.A).getRcode());
        assertEquals(0, forward.metricValue("corvus_forward_host_addresses", to));
        assertEquals(1, forward.metricValue("corvus_forward_host_resolution_failures_total", to));
        Map<String, Object> host = hosts(forward).get(0);
        assertTrue(String.valueOf(host.get("error")).contains("NXDOMAIN"), host.toString());

        resolver.answer(30, "127.0.0.1");
        clock.advance(HostResolution.FIRST_RETRY);
        awaitTrue("resolved on the retry", () -> labels(forward).equals(List.of(up.hostPort())));
        assertEquals("10.0.0.1", firstAddress(forward.query("www.example.", Type.A)));
        assertEquals(1, forward.metricValue("corvus_forward_host_addresses", to));
        assertNull(hosts(forward).get(0).get("error"));
      }
    }
  }

  @Test
  void otherUpstreamsServeWhileAHostNameDoesNotResolve() throws Exception {
    try (StubResolver resolver = new StubResolver(NAME);
        FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward . upstream.test:53 " + up.hostPort() + " {\n resolver " + resolver.hostPort() + "\n}")) {
      assertEquals(List.of(up.hostPort()), labels(forward));
      assertEquals("10.0.0.1", firstAddress(forward.query("www.example.", Type.A)));
    }
  }

  /**
   * As CoreDNS's TestExpandAndDedup: a name's addresses take its place among the TOs, and an
   * address named twice is one upstream, where it was named first.
   */
  @Test
  void resolvedAddressesTakeTheNamesPlaceAndDuplicatesCountOnce() throws Exception {
    try (StubResolver resolver = new StubResolver(NAME)) {
      resolver.answer(60, "127.0.0.1", "127.0.0.2");
      try (ForwardHarness forward = new ForwardHarness(
          "forward . 127.0.0.2:5300 upstream.test:5300 127.0.0.3:5300 127.0.0.1:5300 {\n policy sequential\n resolver "
              + resolver.hostPort() + "\n}")) {
        assertEquals(List.of("127.0.0.2:5300", "127.0.0.1:5300", "127.0.0.3:5300"), labels(forward));
      }
    }
  }

  /** A name that stops resolving keeps its addresses: a resolver outage does not stop forwarding. */
  @Test
  void aNameThatStopsResolvingKeepsItsAddresses() throws Exception {
    ManualClock clock = new ManualClock();
    try (StubResolver resolver = new StubResolver(NAME);
        FaultyUpstream up = FaultyUpstream.start("10.0.0.1")) {
      resolver.answer(1, "127.0.0.1");
      String to = "upstream.test:" + up.port();
      try (ForwardHarness forward = new ForwardHarness(
          "forward . " + to + " {\n resolver " + resolver.hostPort() + "\n}", clock)) {
        resolver.answer(1);
        clock.advance(Duration.ofSeconds(1));
        awaitTrue("looked up again, in vain",
            () -> forward.metricValue("corvus_forward_host_resolution_failures_total", to) == 1);
        assertEquals(List.of(up.hostPort()), labels(forward));
        assertEquals("10.0.0.1", firstAddress(forward.query("www.example.", Type.A)));
      }
    }
  }

  /** Without the resolver option the system's resolver is asked: localhost comes from /etc/hosts. */
  @Test
  void theSystemResolverIsUsedWithoutTheResolverOption() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . localhost:" + up.port() + " {\n policy sequential\n}")) {
      assertTrue(labels(forward).contains(up.hostPort()), labels(forward).toString());
      assertEquals("10.0.0.1", firstAddress(forward.query("www.example.", Type.A)));
      assertEquals("system", hosts(forward).get(0).get("resolver"));
    }
  }

  @Test
  void doctorReportsWhetherAHostNameResolves() throws Exception {
    try (StubResolver resolver = new StubResolver(NAME);
        FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        PluginTestKit kit = new PluginTestKit();
        PluginTestKit later = new PluginTestKit()) {
      String corefile = "forward . upstream.test:" + up.port() + " {\n resolver " + resolver.hostPort() + "\n}";
      List<Finding> unresolved = ((ForwardPlugin) kit.create(new ForwardFactory(), corefile)).check(Duration.ofSeconds(2));
      Finding finding = unresolved.stream().filter(f -> f.subject().startsWith("host ")).findFirst().orElseThrow();
      assertEquals(Severity.PROBLEM, finding.severity(), finding.toString());
      assertTrue(finding.detail().startsWith("does not resolve"), finding.toString());

      resolver.answer(60, "127.0.0.1");
      List<Finding> resolved = ((ForwardPlugin) later.create(new ForwardFactory(), corefile)).check(Duration.ofSeconds(2));
      assertTrue(resolved.stream().anyMatch(f -> f.severity() == Severity.OK
          && f.subject().equals("host upstream.test:" + up.port()) && f.detail().startsWith("resolves to 127.0.0.1")),
          resolved.toString());
      assertTrue(resolved.stream().anyMatch(f -> f.severity() == Severity.OK
          && f.subject().equals("upstream " + up.hostPort() + " over UDP")), resolved.toString());
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> hosts(ForwardHarness forward) {
    Map<String, Object> state = (Map<String, Object>) forward.plugin.inspector().inspect(Map.of());
    return (List<Map<String, Object>>) state.get("hosts");
  }
}
