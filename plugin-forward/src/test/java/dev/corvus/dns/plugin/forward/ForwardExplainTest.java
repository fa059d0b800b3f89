package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code corvus explain} through forward: it asks the upstream but leaves no trace. */
class ForwardExplainTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

  @Test
  void explainAnswersWithNotesAndLeavesMetricsAndUpstreamStateUnchanged() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        Corvus server = Corvus.builder().corefile(".:0 {\n forward . " + up.hostPort() + "\n}\n").dnsPort(0).start()) {
      new DnsClient(server.udpAddress()).udp("warm.example.", Type.A);
      List<String> metricsBefore = forwardMetrics(server);
      Object upstreamsBefore = upstreamsInspector(server).inspect(Map.of());

      Explanation explanation = server.explain("www.example.org.", Type.A, CLIENT);

      assertEquals(Rcode.NOERROR, explanation.response().getRcode());
      assertEquals("10.0.0.1", firstAddress(explanation.response()));
      assertEquals(1, up.queries("www.example.org."), "the explanation asked the upstream");
      List<String> notes = forwardStep(explanation).notes();
      assertTrue(
          notes.stream().anyMatch(n -> n.startsWith("policy random: chose " + up.hostPort() + " (healthy, smoothed rtt ")
              && n.endsWith(" ms, 0 consecutive fails)")),
          notes.toString());
      assertTrue(notes.stream().anyMatch(n -> n.matches(
          java.util.regex.Pattern.quote(up.hostPort()) + " over udp answered NOERROR in [0-9.]+ ms")), notes.toString());
      assertEquals(metricsBefore, forwardMetrics(server), "explain changes no forward metric");
      assertEquals(upstreamsBefore, upstreamsInspector(server).inspect(Map.of()), "nor the upstream's health or rtt");
    }
  }

  @Test
  void explainWithADeadUpstreamReportsTheFailureWithoutCountingIt() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        Corvus server =
            Corvus.builder()
                .corefile(".:0 {\n forward . " + up.hostPort() + " {\n read_timeout 300ms\n max_fails 1\n }\n}\n")
                .dnsPort(0)
                .start()) {
      new DnsClient(server.udpAddress()).udp("warm.example.", Type.A);
      up.mode(FaultyUpstream.Mode.DROP);
      List<String> metricsBefore = forwardMetrics(server);
      Object upstreamsBefore = upstreamsInspector(server).inspect(Map.of());

      Explanation explanation = server.explain("dead.example.", Type.A, CLIENT);

      assertEquals(Rcode.SERVFAIL, explanation.response().getRcode());
      Explanation.Step step = forwardStep(explanation);
      assertEquals(Explanation.Outcome.FAILED, step.outcome());
      List<String> notes = step.notes();
      assertTrue(notes.stream().anyMatch(n -> n.startsWith(up.hostPort() + " over udp failed after ")
          && n.contains(": no answer within") && n.endsWith("; next attempt")), notes.toString());
      assertTrue(notes.stream().anyMatch(n -> n.startsWith("no answer: 2 failed attempt(s)")), notes.toString());
      assertEquals(2, up.queries("dead.example."), "two attempts, as a real query makes");
      assertEquals(0, up.queries("."), "no health check was started");
      assertEquals(metricsBefore, forwardMetrics(server));
      Object upstreamsAfter = upstreamsInspector(server).inspect(Map.of());
      assertEquals(upstreamsBefore, upstreamsAfter, "no fail counted, no timeout observed");
      Map<?, ?> upstream = (Map<?, ?>) ((List<?>) ((Map<?, ?>) upstreamsAfter).get("upstreams")).get(0);
      assertEquals(true, upstream.get("healthy"));
      assertEquals(0, upstream.get("consecutiveFails"));
    }
  }

  @Test
  void explanationNeitherJoinsNorStartsASharedFlight() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort())) {
      up.delayMillis(300);
      CompletableFuture<Message> real = forward.send(DnsClient.newQuery("slow.example.", Type.A),
          dev.corvus.dns.api.Transport.UDP);
      PluginTestKit.Explained explained =
          forward.kit.explain(forward.plugin, forward.kit.request("slow.example.", Type.A), PluginTestKit.nxdomain());
      assertEquals("10.0.0.1", firstAddress(ForwardHarness.await(real)));
      assertEquals("10.0.0.1", firstAddress(explained.response()));
      assertEquals(0, forward.plugin.forwardHandler().sharedAnswers());
      assertEquals(2, up.queries("slow.example."), "the explanation sent its own query");
    }
  }

  @Test
  void explainReportsAPortUnreachableWithoutCountingIt() throws Exception {
    FaultyUpstream gone = FaultyUpstream.start("10.0.0.1");
    String goneHostPort = gone.hostPort();
    gone.close();
    try (FaultyUpstream alive = FaultyUpstream.start("10.0.0.2");
        ForwardHarness forward = new ForwardHarness(
            "forward . " + goneHostPort + " " + alive.hostPort() + " {\n policy sequential\n max_fails 1\n}")) {
      PluginTestKit.Explained explained =
          forward.kit.explain(forward.plugin, forward.kit.request("x.example.", Type.A), PluginTestKit.nxdomain());

      assertEquals("10.0.0.2", firstAddress(explained.response()));
      assertTrue(explained.notes().stream().anyMatch(n -> n.startsWith(goneHostPort + " over udp failed after ")
          && n.endsWith(": port unreachable (ICMP); next attempt")), explained.notes().toString());
      Upstream upstream = forward.plugin.upstreams().get(0);
      assertEquals(0, upstream.consecutiveFails(), "an explanation counts no failure");
      assertEquals(0, forward.kit.scrape().sum("coredns_forward_requests_total"));
    }
  }

  @Test
  void exceptAndNextRcodesSayWhyTheQueryWasPassedOn() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward example.org " + up.hostPort() + " {\n except internal.example.org\n next NXDOMAIN\n}")) {
      InetAddress nextAnswer = InetAddress.getByName("192.0.2.1");
      Handler next = chain -> Responses.completed(
          Responses.answer(chain.request(), new ARecord(chain.request().qname(), 1, 60, nextAnswer)));

      PluginTestKit.Explained excepted =
          forward.kit.explain(forward.plugin, forward.kit.request("a.internal.example.org.", Type.A), next);
      assertEquals(List.of("except: name matches internal.example.org., passed on"), excepted.notes());
      assertEquals("192.0.2.1", firstAddress(excepted.response()));

      PluginTestKit.Explained outside =
          forward.kit.explain(forward.plugin, forward.kit.request("example.com.", Type.A), next);
      assertEquals(List.of("not in example.org.: passed on"), outside.notes());

      up.mode(FaultyUpstream.Mode.NXDOMAIN);
      PluginTestKit.Explained passed =
          forward.kit.explain(forward.plugin, forward.kit.request("gone.example.org.", Type.A), next);
      assertEquals("192.0.2.1", firstAddress(passed.response()));
      assertEquals("next NXDOMAIN: passing on", passed.notes().get(passed.notes().size() - 1), passed.notes().toString());
      assertEquals(0, forward.kit.scrape().sum("coredns_forward_requests_total"));
    }
  }

  private static Explanation.Step forwardStep(Explanation explanation) {
    return explanation.steps().stream()
        .filter(s -> s.directive().equals("forward"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no forward step in " + explanation.steps()));
  }

  private static Inspector upstreamsInspector(Corvus server) {
    return server.control().inspectors().stream()
        .filter(i -> i.topic().equals("upstreams"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no upstreams inspector"));
  }

  /** Every forward and proxy metric line, sorted. */
  private static List<String> forwardMetrics(Corvus server) {
    List<String> lines = server.scrapeMetrics().lines()
        .filter(l -> l.startsWith("coredns_forward_") || l.startsWith("coredns_proxy_") || l.startsWith("corvus_forward_"))
        .sorted()
        .toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("coredns_forward_requests_total")), lines.toString());
    return lines;
  }
}
