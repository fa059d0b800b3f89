package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.await;
import static dev.corvus.dns.plugin.forward.ForwardHarness.awaitTrue;
import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.Queries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The handler against real upstreams on 127.0.0.1. */
class ForwardHandlerTest {

  @Test
  void forwardsAndGivesTheClientItsOwnIdAndQuestion() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort())) {
      Message query = DnsClient.newQuery("WwW.Example.ORG.", Type.A);
      Message response = await(forward.send(query, Transport.UDP));

      assertEquals(Rcode.NOERROR, response.getRcode());
      assertEquals("10.0.0.1", firstAddress(response));
      assertEquals(query.getHeader().getID(), response.getHeader().getID());
      assertEquals("WwW.Example.ORG.", response.getQuestion().getName().toString());
      assertEquals(1, up.queries("www.example.org."));
      assertEquals(1, forward.metricValue("coredns_forward_requests_total", up.hostPort()));
      assertEquals(1, forward.metricValue("coredns_forward_responses_total", up.hostPort(), "NOERROR"));
      assertEquals(
          1,
          forward.kit.scrape().sum("coredns_proxy_request_duration_seconds_count",
              Map.of("proxy_name", "forward", "to", up.hostPort(), "rcode", "NOERROR")));
      assertEquals(1, forward.metricValue("corvus_forward_upstream_healthy", up.hostPort()));
    }
  }

  @Test
  void namesOutsideFromAndExceptNamesGoToTheNextPlugin() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness("forward example.org " + up.hostPort() + " {\n except internal.example.org\n}")) {
      assertEquals(ForwardHarness.NEXT_ANSWER, firstAddress(forward.query("example.com.", Type.A)));
      assertEquals(ForwardHarness.NEXT_ANSWER, firstAddress(forward.query("a.internal.example.org.", Type.A)));
      assertEquals("10.0.0.1", firstAddress(forward.query("www.example.org.", Type.A)));
      assertEquals(2, forward.nextCalls.get());
      assertEquals(0, up.queries("example.com."));
      assertEquals(0, up.queries("a.internal.example.org."));
    }
  }

  @Test
  void nextRcodeHandsTheQueryToTheNextPlugin() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort() + " {\n next NXDOMAIN\n}")) {
      up.mode(FaultyUpstream.Mode.NXDOMAIN);
      assertEquals(ForwardHarness.NEXT_ANSWER, firstAddress(forward.query("gone.example.", Type.A)));
      assertEquals(1, up.queries("gone.example."));
      up.mode(FaultyUpstream.Mode.SERVFAIL);
      assertEquals(Rcode.SERVFAIL, forward.query("broken.example.", Type.A).getRcode());
      assertEquals(1, forward.nextCalls.get());
    }
  }

  @Test
  void sequentialPolicyFailsOverFromADroppingUpstream() throws Exception {
    try (FaultyUpstream dead = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream alive = FaultyUpstream.start("10.0.0.2");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + dead.hostPort() + " " + alive.hostPort()
                    + " {\n policy sequential\n read_timeout 400ms\n health_check 5s\n}")) {
      dead.mode(FaultyUpstream.Mode.DROP);
      Message response = forward.query("a.example.", Type.A);
      assertEquals("10.0.0.2", firstAddress(response));
      assertEquals(1, dead.queries("a.example."));
      assertEquals(1, alive.queries("a.example."));
    }
  }

  @Test
  void sequentialPolicyAlwaysAsksTheFirstHealthyUpstreamFirst() throws Exception {
    try (FaultyUpstream first = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream second = FaultyUpstream.start("10.0.0.2");
        ForwardHarness forward =
            new ForwardHarness("forward . " + first.hostPort() + " " + second.hostPort() + " {\n policy sequential\n}")) {
      for (int i = 0; i < 5; i++) {
        assertEquals("10.0.0.1", firstAddress(forward.query("q" + i + ".example.", Type.A)));
      }
      assertEquals(0, second.queries("q0.example."));
    }
  }

  @Test
  void roundRobinPolicyAlternatesAndFailsOver() throws Exception {
    try (FaultyUpstream a = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream b = FaultyUpstream.start("10.0.0.2");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + a.hostPort() + " " + b.hostPort()
                    + " {\n policy round_robin\n read_timeout 400ms\n health_check 5s\n}")) {
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(firstAddress(forward.query("rr" + i + ".example.", Type.A)));
      }
      assertEquals(2, new HashSet<>(answers).size(), "both upstreams answered: " + answers);
      for (int i = 1; i < answers.size(); i++) {
        assertTrue(!answers.get(i).equals(answers.get(i - 1)), "alternates: " + answers);
      }
      a.mode(FaultyUpstream.Mode.DROP);
      for (int i = 0; i < 2; i++) {
        assertEquals("10.0.0.2", firstAddress(forward.query("down" + i + ".example.", Type.A)));
      }
    }
  }

  @Test
  void randomPolicyUsesEveryUpstreamAndFailsOver() throws Exception {
    try (FaultyUpstream a = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream b = FaultyUpstream.start("10.0.0.2");
        FaultyUpstream c = FaultyUpstream.start("10.0.0.3");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + a.hostPort() + " " + b.hostPort() + " " + c.hostPort()
                    + " {\n read_timeout 400ms\n health_check 5s\n}")) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 40 && seen.size() < 3; i++) {
        seen.add(firstAddress(forward.query("r" + i + ".example.", Type.A)));
      }
      assertEquals(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), seen);
      a.mode(FaultyUpstream.Mode.DROP);
      b.mode(FaultyUpstream.Mode.DROP);
      for (int i = 0; i < 3; i++) {
        assertEquals("10.0.0.3", firstAddress(forward.query("f" + i + ".example.", Type.A)));
      }
    }
  }

  /**
   * On the test's ticker: an attempt or a probe times out only when the ticker passes its
   * timeout, and the next probe comes an interval later; so while the ticker stands still, an
   * answer cannot have waited for a timeout.
   */
  @Test
  void healthChecksMarkAnUpstreamDownAndBringItBack() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream flaky = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream steady = FaultyUpstream.start("10.0.0.2");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + flaky.hostPort() + " " + steady.hostPort()
                    + " {\n policy sequential\n read_timeout 300ms\n health_check 50ms\n max_fails 2\n}",
                clock)) {
      flaky.mode(FaultyUpstream.Mode.DROP);
      CompletableFuture<Message> x = forward.send(Queries.query("x.example.", Type.A), Transport.UDP);
      awaitTrue("x sent to the first upstream", () -> flaky.queries("x.example.") == 1);
      forward.advance(Duration.ofMillis(300));
      assertEquals("10.0.0.2", firstAddress(await(x)));

      // The failed query started the health checks; each dropped probe is one failure.
      Upstream upstream = forward.plugin.upstreams().get(0);
      for (int failed = 1; failed <= 3; failed++) {
        int probes = failed;
        awaitTrue("probe " + probes + " sent", () -> flaky.queries(".") == probes);
        forward.advance(Duration.ofMillis(300));
        awaitTrue("probe " + probes + " failed", () -> upstream.consecutiveFails() == probes);
        if (failed < 3) {
          forward.advance(Duration.ofMillis(50));
        }
      }
      awaitTrue(
          "down after more than max_fails failed checks",
          () -> forward.metricValue("corvus_forward_upstream_healthy", flaky.hostPort()) == 0);
      assertTrue(upstream.isDown());
      assertEquals(3, forward.metricValue("coredns_forward_healthcheck_failures_total", flaky.hostPort()));

      // While it is down, sequential goes straight to the healthy upstream: answered while the
      // ticker stood still, so no attempt waited for a timeout.
      assertEquals("10.0.0.2", firstAddress(forward.query("y.example.", Type.A)));
      assertEquals(0, flaky.queries("y.example."));

      flaky.mode(FaultyUpstream.Mode.ANSWER);
      forward.advance(Duration.ofMillis(50));
      awaitTrue(
          "a successful health check brings it back",
          () -> forward.metricValue("corvus_forward_upstream_healthy", flaky.hostPort()) == 1);
      assertEquals(0, upstream.consecutiveFails());
      assertEquals("10.0.0.1", firstAddress(forward.query("z.example.", Type.A)));
    }
  }

  @Test
  void allUpstreamsDownFailsFastWithFailfast() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream dead = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + dead.hostPort()
                    + " {\n read_timeout 200ms\n health_check 30ms\n max_fails 1\n failfast_all_unhealthy_upstreams\n}",
                clock)) {
      dead.mode(FaultyUpstream.Mode.DROP);
      Upstream upstream = forward.plugin.upstreams().get(0);
      CompletableFuture<Message> a = forward.send(Queries.query("a.example.", Type.A), Transport.UDP);
      awaitTrue("first attempt sent", () -> dead.queries("a.example.") == 1);
      forward.advance(Duration.ofMillis(200));
      awaitTrue("second attempt and first probe sent", () -> dead.queries("a.example.") == 2 && dead.queries(".") == 1);
      forward.advance(Duration.ofMillis(200));
      assertEquals(Rcode.SERVFAIL, await(a).getRcode());
      awaitTrue("first probe failed", () -> upstream.consecutiveFails() == 1);
      forward.advance(Duration.ofMillis(30));
      awaitTrue("second probe sent", () -> dead.queries(".") == 2);
      forward.advance(Duration.ofMillis(200));
      awaitTrue("down after two failed probes", upstream::isDown);

      // Answered while the ticker stood still: nothing was waited for.
      assertEquals(Rcode.SERVFAIL, forward.query("b.example.", Type.A).getRcode());
      assertEquals(0, dead.queries("b.example."));
      assertTrue(forward.metricValue("coredns_forward_healthcheck_broken_total") >= 1);
    }
  }

  @Test
  void allUpstreamsDownStillTriesOneWithoutFailfast() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + up.hostPort() + " {\n read_timeout 200ms\n health_check 30ms\n max_fails 1\n}")) {
      up.mode(FaultyUpstream.Mode.DROP);
      forward.query("a.example.", Type.A);
      awaitTrue("marked down", () -> forward.plugin.upstreams().get(0).isDown());
      // Health checks keep failing, so it stays down, yet queries are still sent to it.
      up.mode(FaultyUpstream.Mode.DROP_HEALTH_CHECKS);
      assertEquals("10.0.0.1", firstAddress(forward.query("b.example.", Type.A)));
      assertTrue(forward.plugin.upstreams().get(0).isDown());
      assertTrue(forward.metricValue("coredns_forward_healthcheck_broken_total") >= 1);
    }
  }

  @Test
  void truncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort())) {
      up.mode(FaultyUpstream.Mode.TRUNCATE_UDP);
      Message response = forward.query("big.example.", Type.A);
      assertEquals("10.0.0.1", firstAddress(response));
      assertEquals(2, up.queries("big.example."));
      assertEquals(1, up.tcpQueries());
    }
  }

  @Test
  void tcpConnectionsArePooledAndPipelined() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort() + " {\n force_tcp\n}")) {
      up.delayMillis(100);
      List<CompletableFuture<Message>> inFlight = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        inFlight.add(forward.send(DnsClient.newQuery("p" + i + ".example.", Type.A), Transport.UDP));
      }
      for (CompletableFuture<Message> response : inFlight) {
        assertEquals("10.0.0.1", firstAddress(await(response)));
      }
      assertEquals("10.0.0.1", firstAddress(forward.query("later.example.", Type.A)));
      assertEquals(11, up.tcpQueries());
      assertEquals(1, up.tcpConnections(), "one connection carried every query");
      assertEquals(1, forward.metricValue("coredns_proxy_conn_cache_misses_total", "forward", up.hostPort(), "tcp"));
      assertEquals(10, forward.metricValue("coredns_proxy_conn_cache_hits_total", "forward", up.hostPort(), "tcp"));
    }
  }

  @Test
  void idleConnectionsCloseAfterExpire() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness("forward . " + up.hostPort() + " {\n force_tcp\n expire 100ms\n}", clock)) {
      assertEquals("10.0.0.1", firstAddress(forward.query("a.example.", Type.A)));
      forward.advance(Duration.ofMillis(100));
      awaitTrue("the idle connection was closed by the forwarder", () -> up.tcpConnectionsClosedByClient() == 1);
      assertEquals("10.0.0.1", firstAddress(forward.query("b.example.", Type.A)));
      assertEquals(2, up.tcpConnections(), "a new connection after the idle one expired");
    }
  }

  @Test
  void maxConcurrentRefusesQueriesBeyondTheLimit() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort() + " {\n max_concurrent 2\n}")) {
      up.delayMillis(300);
      CompletableFuture<Message> first = forward.send(DnsClient.newQuery("one.example.", Type.A), Transport.UDP);
      CompletableFuture<Message> second = forward.send(DnsClient.newQuery("two.example.", Type.A), Transport.UDP);
      Message third = await(forward.send(DnsClient.newQuery("three.example.", Type.A), Transport.UDP));
      assertEquals(Rcode.REFUSED, third.getRcode());
      assertEquals("10.0.0.1", firstAddress(await(first)));
      assertEquals("10.0.0.1", firstAddress(await(second)));
      assertEquals(1, forward.metricValue("coredns_forward_max_concurrent_rejects_total"));
      assertEquals(0, up.queries("three.example."));
      up.delayMillis(0);
      assertEquals("10.0.0.1", firstAddress(forward.query("four.example.", Type.A)));
    }
  }

  @Test
  void identicalQueriesInFlightShareOneUpstreamQuery() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort())) {
      up.delayMillis(300);
      List<Message> queries = new ArrayList<>();
      List<CompletableFuture<Message>> responses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Message query = DnsClient.newQuery(i % 2 == 0 ? "herd.example." : "HERD.Example.", Type.A);
        queries.add(query);
        responses.add(forward.send(query, i % 3 == 0 ? Transport.TCP : Transport.UDP));
      }
      for (int i = 0; i < 20; i++) {
        Message response = await(responses.get(i));
        assertEquals("10.0.0.1", firstAddress(response));
        assertEquals(queries.get(i).getHeader().getID(), response.getHeader().getID());
        assertEquals(queries.get(i).getQuestion().getName().toString(), response.getQuestion().getName().toString());
      }
      assertEquals(1, up.queries("herd.example."));
      assertEquals(19, forward.plugin.forwardHandler().sharedAnswers());
      // A different type is a different question.
      up.delayMillis(0);
      forward.query("herd.example.", Type.AAAA);
      assertEquals(2, up.queries("herd.example."));
    }
  }

  @Test
  void forgedAnswersAreIgnoredAndCounted() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort())) {
      up.mode(FaultyUpstream.Mode.SPOOF_FIRST);
      for (int i = 0; i < 5; i++) {
        Message response = forward.query("bank" + i + ".example.", Type.A);
        assertEquals("10.0.0.1", firstAddress(response), "the forged 6.6.6.6 never wins");
        assertEquals(1, response.getSection(Section.ANSWER).size());
      }
      // Each exchange ends at the genuine answer; forged datagrams arriving before it are counted.
      double byId = forward.metricValue("corvus_forward_dropped_responses_total", up.hostPort(), "id");
      double byQuestion = forward.metricValue("corvus_forward_dropped_responses_total", up.hostPort(), "question");
      assertTrue(byId >= 1, "wrong-ID answers counted: " + byId);
      assertTrue(byQuestion >= 1, "answers to another question counted: " + byQuestion);
      // The sockets are connected: the kernel drops datagrams from any other address or port.
      assertEquals(0, forward.metricValue("corvus_forward_dropped_responses_total", up.hostPort(), "source"));
    }
  }

  @Test
  void servfailIsPassedOnUnlessFailoverAsksForTheNextUpstream() throws Exception {
    try (FaultyUpstream broken = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream good = FaultyUpstream.start("10.0.0.2");
        ForwardHarness plain =
            new ForwardHarness("forward . " + broken.hostPort() + " " + good.hostPort() + " {\n policy sequential\n}");
        ForwardHarness failover =
            new ForwardHarness(
                "forward . " + broken.hostPort() + " " + good.hostPort()
                    + " {\n policy sequential\n failover SERVFAIL\n}")) {
      broken.mode(FaultyUpstream.Mode.SERVFAIL);
      assertEquals(Rcode.SERVFAIL, plain.query("s.example.", Type.A).getRcode());
      assertEquals("10.0.0.2", firstAddress(failover.query("t.example.", Type.A)));
      // SERVFAIL is an answer: the upstream stays healthy.
      assertEquals(0, plain.metricValue("coredns_forward_healthcheck_failures_total", broken.hostPort()));
    }
  }

  /** On the test's ticker, each attempt ends when the ticker passes the adaptive timeout, not read_timeout. */
  @Test
  void slowUpstreamTimesOutWithinTheAdaptiveTimeout() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness("forward . " + up.hostPort() + " {\n read_timeout 1s\n health_check 5s\n}", clock)) {
      for (int i = 0; i < 10; i++) {
        forward.query("warm" + i + ".example.", Type.A);
      }
      Upstream upstream = forward.plugin.upstreams().get(0);
      long first = upstream.timeoutNanos();
      assertTrue(first < Duration.ofMillis(500).toNanos(), "timeout shrank with fast answers: " + first);
      up.delayMillis(2000);
      CompletableFuture<Message> slow = forward.send(Queries.query("slow.example.", Type.A), Transport.UDP);
      awaitTrue("first attempt sent", () -> up.queries("slow.example.") == 1);
      forward.advance(Duration.ofNanos(first));
      awaitTrue("the adaptive timeout ended the first attempt", () -> up.queries("slow.example.") == 2);
      forward.advance(Duration.ofNanos(upstream.timeoutNanos()));
      assertEquals(Rcode.SERVFAIL, await(slow).getRcode(), "two short attempts, not two 1 s waits");
    }
  }

  @Test
  void udpSocketsAreSharedAndForgetTimedOutQueries() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward =
            new ForwardHarness("forward . " + up.hostPort() + " {\n read_timeout 5s\n max_fails 0\n}")) {
      int total = 2000;
      for (int batch = 0; batch < total; batch += 200) {
        List<CompletableFuture<Message>> answers = new ArrayList<>();
        for (int i = batch; i < batch + 200; i++) {
          answers.add(forward.send(Queries.query("pool" + i + ".example.", Type.A), Transport.UDP));
        }
        for (CompletableFuture<Message> answer : answers) {
          assertEquals("10.0.0.1", firstAddress(await(answer)));
        }
      }
      int ports = up.udpSourcePorts();
      assertTrue(ports <= total / 100, "sockets shared by many queries: " + ports + " ports for " + total);

      Upstream upstream = forward.plugin.upstreams().get(0);
      assertEquals(0, waitingUdp(upstream), "answered queries leave nothing waiting");
      up.mode(FaultyUpstream.Mode.DROP);
      List<CompletableFuture<Message>> unanswered = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        unanswered.add(forward.send(Queries.query("lost" + i + ".example.", Type.A), Transport.UDP));
      }
      for (CompletableFuture<Message> answer : unanswered) {
        assertEquals(Rcode.SERVFAIL, await(answer).getRcode());
      }
      awaitTrue("timed-out queries leave nothing waiting", () -> waitingUdp(upstream) == 0);
    }
  }

  /** Sockets are replaced after MAX_AGE as the plugin's ticker counts it, whatever the real time. */
  @Test
  void udpSocketsAreReplacedOnceTheTickerSaysTheyAreOld() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort(), clock)) {
      for (int i = 0; i < 100; i++) {
        assertEquals("10.0.0.1", firstAddress(forward.query("young" + i + ".example.", Type.A)));
      }
      int young = up.udpSourcePorts();
      assertTrue(young <= UdpLoopSockets.SOCKETS_PER_LOOP, "one loop, at most one port per slot: " + young);
      forward.advance(UdpLoopSockets.MAX_AGE);
      for (int i = 0; i < 100; i++) {
        assertEquals("10.0.0.1", firstAddress(forward.query("old" + i + ".example.", Type.A)));
      }
      assertTrue(up.udpSourcePorts() > young, "old sockets replaced by new ports: " + up.udpSourcePorts());
      assertTrue(
          openUdpSockets(forward.plugin.upstreams().get(0)) <= UdpLoopSockets.SOCKETS_PER_LOOP,
          "the retired sockets closed once idle");
    }
  }

  /**
   * Nobody listens at the first upstream: the kernel's port unreachable fails the attempt at once
   * (the ticker never moves, so no timeout could have fired), the query is answered by the next
   * upstream, and the report counts towards max_fails.
   */
  @Test
  void portUnreachableFailsOverAtOnceAndCountsTowardsMaxFails() throws Exception {
    ManualClock clock = new ManualClock();
    FaultyUpstream gone = FaultyUpstream.start("10.0.0.1");
    String goneHostPort = gone.hostPort();
    gone.close();
    try (FaultyUpstream alive = FaultyUpstream.start("10.0.0.2");
        ForwardHarness forward =
            new ForwardHarness(
                "forward . " + goneHostPort + " " + alive.hostPort()
                    + " {\n policy sequential\n max_fails 1\n health_check 5s\n}",
                clock)) {
      assertEquals("10.0.0.2", firstAddress(forward.query("a.example.", Type.A)));
      Upstream upstream = forward.plugin.upstreams().get(0);
      // The query's unreachable and its health check's both count: more than max_fails 1.
      awaitTrue("marked down", () -> forward.metricValue("corvus_forward_upstream_healthy", goneHostPort) == 0);
      assertTrue(upstream.isDown());
      assertEquals(1, forward.metricValue("coredns_forward_healthcheck_failures_total", goneHostPort));
      assertEquals("10.0.0.2", firstAddress(forward.query("b.example.", Type.A)));
      assertEquals(2, alive.queries("a.example.") + alive.queries("b.example."));
    }
  }

  private static int waitingUdp(Upstream upstream) {
    return upstream.waitingUdp().join();
  }

  private static int openUdpSockets(Upstream upstream) {
    return upstream.openUdpSockets().join();
  }

}
