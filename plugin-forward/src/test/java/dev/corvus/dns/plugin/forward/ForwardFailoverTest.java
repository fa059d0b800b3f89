package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.awaitTrue;
import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Issue #27: with {@code policy sequential}, killing the first upstream must not delay clients.
 * A real server forwards over real loopback sockets to two stub upstreams; once the first one's
 * socket is closed, the kernel answers the forwarder's queries with ICMP port unreachable, which
 * its connected UDP sockets report at once: each client query is answered by the second upstream
 * within the same exchange, without waiting for a read timeout, and the first upstream is marked
 * down until a health check finds it again.
 */
class ForwardFailoverTest {

  /** The longest a client may wait for an answer once the first upstream is gone. */
  private static final Duration NO_DELAY = Duration.ofMillis(50);
  private static final int QUERIES_AFTER_KILL = 50;

  private static String corefile(String a, String b) {
    return ".:0 {\n forward . " + a + " " + b
        + " {\n  policy sequential\n  max_fails 1\n  health_check 0.5s\n }\n}\n";
  }

  @Test
  void killedUpstreamIsFailedOverWithinTheSameQueryWithoutDelay() throws Exception {
    warmUpFailoverPath();
    FaultyUpstream a = FaultyUpstream.start("10.0.0.1");
    String aHostPort = a.hostPort();
    try (FaultyUpstream b = FaultyUpstream.start("10.0.0.2");
        Corvus server = Corvus.builder().corefile(corefile(aHostPort, b.hostPort())).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(2));
      for (int i = 0; i < 20; i++) {
        assertEquals("10.0.0.1", firstAddress(client.udp("before" + i + ".example.", Type.A)));
      }

      a.close();
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < QUERIES_AFTER_KILL; i++) {
        long start = System.nanoTime();
        Message response = client.udp("after" + i + ".example.", Type.A);
        long elapsed = System.nanoTime() - start;
        micros.add(elapsed / 1_000);
        assertEquals("10.0.0.2", firstAddress(response), "query " + i + " after the kill");
        assertTrue(
            elapsed < NO_DELAY.toNanos(),
            "query " + i + " after the kill took " + elapsed / 1_000 + " us; all so far (us): " + micros);
      }
      System.out.println("forward failover: per-query latency after the kill (us): " + micros);
      System.out.println(String.format(Locale.ROOT, "forward failover: max %d us, median %d us",
          micros.stream().mapToLong(Long::longValue).max().orElseThrow(),
          micros.stream().sorted().toList().get(micros.size() / 2)));
      assertEquals(QUERIES_AFTER_KILL, countAfter(b), "each query after the kill reached the second upstream once");
      awaitTrue(
          "the port unreachables marked the first upstream down",
          () -> server.metricValue("corvus_forward_upstream_healthy", aHostPort) == 0);
    }
  }

  /**
   * The health checker's interval follows the server's ticker, which the test moves: the first
   * upstream comes back where it was, and only once the ticker has moved on to its next health
   * check (which then succeeds) is it asked again.
   */
  @Test
  void upstreamThatComesBackIsUsedAgainOnceItsHealthCheckSucceeds() throws Exception {
    ManualClock clock = new ManualClock();
    FaultyUpstream a = FaultyUpstream.start("10.0.0.1");
    int portOfA = a.port();
    String aHostPort = a.hostPort();
    try (FaultyUpstream b = FaultyUpstream.start("10.0.0.2");
        Corvus server = Corvus.builder().corefile(corefile(aHostPort, b.hostPort())).dnsPort(0).clock(clock).ticker(clock).start()) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(2));
      assertEquals("10.0.0.1", firstAddress(client.udp("before.example.", Type.A)));

      a.close();
      assertEquals("10.0.0.2", firstAddress(client.udp("gone.example.", Type.A)));
      awaitTrue(
          "the first upstream is down (its unreachable and its failed health check)",
          () -> server.metricValue("corvus_forward_upstream_healthy", aHostPort) == 0);

      try (FaultyUpstream back = FaultyUpstream.startOn("10.0.0.1", portOfA)) {
        // Back, but no health check has come round yet: the ticker has not moved.
        assertEquals("10.0.0.2", firstAddress(client.udp("waiting.example.", Type.A)));
        assertEquals(0, back.queries("waiting.example."));

        clock.advance(Duration.ofMillis(500));
        awaitTrue(
            "the health check half a second later finds it",
            () -> server.metricValue("corvus_forward_upstream_healthy", aHostPort) == 1);
        assertEquals(1, back.queries("."), "one health-check probe");
        assertEquals("10.0.0.1", firstAddress(client.udp("back.example.", Type.A)));
        assertEquals(1, back.queries("back.example."));
      }
    }
  }

  /**
   * Runs a failover once in this JVM, on a throwaway server whose first upstream was never there,
   * so that the bound measures the forwarder and not the JVM loading and compiling that code the
   * first time it runs.
   */
  private static void warmUpFailoverPath() throws Exception {
    FaultyUpstream gone = FaultyUpstream.start("10.0.0.1");
    String goneHostPort = gone.hostPort();
    gone.close();
    try (FaultyUpstream alive = FaultyUpstream.start("10.0.0.2");
        Corvus server = Corvus.builder().corefile(corefile(goneHostPort, alive.hostPort())).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(2));
      for (int i = 0; i < 100; i++) {
        assertEquals("10.0.0.2", firstAddress(client.udp("warm" + i + ".example.", Type.A)));
      }
    }
  }

  private static int countAfter(FaultyUpstream upstream) {
    int total = 0;
    for (int i = 0; i < QUERIES_AFTER_KILL; i++) {
      total += upstream.queries("after" + i + ".example.");
    }
    return total;
  }
}
