package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.await;
import static dev.corvus.dns.plugin.forward.ForwardHarness.awaitTrue;
import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.ManualClock;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The CoreDNS options {@code max_idle_conns}, {@code max_age}, {@code next_on_nodata} and {@code
 * source_address}, over real sockets to upstreams on loopback addresses.
 */
class ForwardOptionsTest {

  /** More queries in flight than one connection pipelines: the loop opens a second one. */
  private static final int TWO_CONNECTIONS_OF_QUERIES = StreamConnectionPool.MAX_PIPELINED + 6;

  /**
   * Opens two TCP connections on the kit's one loop (more queries in flight than one pipelines)
   * and lets them go idle; returns once every query is answered.
   */
  private static void twoConnectionsGoIdle(FaultyUpstream up, ForwardHarness forward) throws Exception {
    up.delayMillis(200);
    List<CompletableFuture<Message>> inFlight = new ArrayList<>();
    for (int i = 0; i < TWO_CONNECTIONS_OF_QUERIES; i++) {
      inFlight.add(forward.send(Queries.query("busy" + i + ".example.", Type.A), Transport.UDP));
    }
    for (CompletableFuture<Message> response : inFlight) {
      assertEquals("10.0.0.1", firstAddress(await(response)));
    }
    assertEquals(2, up.tcpConnections());
  }

  @Test
  void maxIdleConnsClosesConnectionsBeyondTheLimitAsSoonAsTheyAreIdle() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward . " + up.hostPort() + " {\n force_tcp\n max_idle_conns 1\n}", clock)) {
      twoConnectionsGoIdle(up, forward);
      awaitTrue("the second idle connection was closed at once", () -> up.tcpConnectionsClosedByClient() == 1);
      assertEquals(1, forward.plugin.upstreams().get(0).idleConnections());
      up.delayMillis(0);
      assertEquals("10.0.0.1", firstAddress(forward.query("later.example.", Type.A)));
      assertEquals(2, up.tcpConnections(), "the idle one kept was reused");
    }
  }

  @Test
  void withoutMaxIdleConnsEveryIdleConnectionWaitsForExpire() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward . " + up.hostPort() + " {\n force_tcp\n expire 200ms\n}", clock)) {
      twoConnectionsGoIdle(up, forward);
      awaitTrue("both count as idle", () -> forward.plugin.upstreams().get(0).idleConnections() == 2);
      assertEquals(0, up.tcpConnectionsClosedByClient());
      forward.advance(Duration.ofMillis(200));
      awaitTrue("both closed after expire", () -> up.tcpConnectionsClosedByClient() == 2);
      assertEquals(0, forward.plugin.upstreams().get(0).idleConnections());
    }
  }

  /**
   * A connection that never idles long enough to expire is still replaced once it is older than
   * max_age (by the plugin's ticker), as CoreDNS does not reuse it then.
   */
  @Test
  void maxAgeReplacesAConnectionHoweverBusy() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward . " + up.hostPort() + " {\n force_tcp\n expire 30s\n max_age 30s\n}", clock)) {
      assertEquals("10.0.0.1", firstAddress(forward.query("a.example.", Type.A)));
      forward.advance(Duration.ofSeconds(20));
      assertEquals("10.0.0.1", firstAddress(forward.query("b.example.", Type.A)));
      assertEquals(1, up.tcpConnections(), "20 s old: reused");
      forward.advance(Duration.ofSeconds(20));
      assertEquals("10.0.0.1", firstAddress(forward.query("c.example.", Type.A)));
      assertEquals(2, up.tcpConnections(), "40 s old, idle only 20 s: replaced");
      awaitTrue("the old connection was closed", () -> up.tcpConnectionsClosedByClient() == 1);
    }
  }

  @Test
  void withoutMaxAgeABusyConnectionLivesOn() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward . " + up.hostPort() + " {\n force_tcp\n expire 30s\n}", clock)) {
      for (int i = 0; i < 4; i++) {
        assertEquals("10.0.0.1", firstAddress(forward.query("q" + i + ".example.", Type.A)));
        forward.advance(Duration.ofSeconds(20));
      }
      assertEquals(1, up.tcpConnections());
    }
  }

  /** max_age below the UDP sockets' own 10 s rotation replaces them sooner. */
  @Test
  void maxAgeAlsoRotatesUdpSockets() throws Exception {
    ManualClock clock = new ManualClock();
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness(
            "forward . " + up.hostPort() + " {\n expire 1s\n max_age 2s\n}", clock)) {
      for (int i = 0; i < 60; i++) {
        assertEquals("10.0.0.1", firstAddress(forward.query("young" + i + ".example.", Type.A)));
      }
      assertEquals(UdpLoopSockets.SOCKETS_PER_LOOP, up.udpSourcePorts(), "every slot has its socket");
      forward.advance(Duration.ofSeconds(2));
      for (int i = 0; i < 60; i++) {
        assertEquals("10.0.0.1", firstAddress(forward.query("old" + i + ".example.", Type.A)));
      }
      assertEquals(2 * UdpLoopSockets.SOCKETS_PER_LOOP, up.udpSourcePorts(), "every socket replaced after 2 s");
    }
  }

  @Test
  void nextOnNodataHandsAnEmptyNoerrorAnswerToTheNextPlugin() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort() + " {\n next_on_nodata\n}");
        ForwardHarness plain = new ForwardHarness("forward . " + up.hostPort())) {
      // The stub answers A queries only: AAAA gets NOERROR without records (NODATA).
      assertEquals(ForwardHarness.NEXT_ANSWER, firstAddress(forward.query("nodata.example.", Type.AAAA)));
      assertEquals(1, forward.nextCalls.get());
      assertEquals("10.0.0.1", firstAddress(forward.query("data.example.", Type.A)), "an answer is served");
      up.mode(FaultyUpstream.Mode.NXDOMAIN);
      assertEquals(Rcode.NXDOMAIN, forward.query("gone.example.", Type.AAAA).getRcode(), "NXDOMAIN is not NODATA");
      assertEquals(1, forward.nextCalls.get());

      up.mode(FaultyUpstream.Mode.ANSWER);
      Message empty = plain.query("nodata.example.", Type.AAAA);
      assertEquals(Rcode.NOERROR, empty.getRcode());
      assertTrue(empty.getSection(Section.ANSWER).isEmpty(), "without the option NODATA is served");
      assertEquals(0, plain.nextCalls.get());
    }
  }

  /** As CoreDNS's TestForward_NextOnNodata: two forwards in a block, the second answers. */
  @Test
  void nextOnNodataAsksTheNextForwardOfTheBlock() throws Exception {
    try (FaultyUpstream first = FaultyUpstream.start("10.0.0.1");
        FaultyUpstream second = FaultyUpstream.start("10.0.0.2");
        Corvus server = Corvus.builder()
            .corefile(".:0 {\n forward . " + first.hostPort() + " {\n  next_on_nodata\n }\n forward . "
                + second.hostPort() + "\n}\n")
            .dnsPort(0)
            .start()) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(2));
      assertEquals("10.0.0.1", firstAddress(client.udp("data.example.", Type.A)));
      first.mode(FaultyUpstream.Mode.TRUNCATE_UDP);
      // TC without records over UDP, then the full answer over TCP: not NODATA.
      assertEquals("10.0.0.1", firstAddress(client.udp("retried.example.", Type.A)));
      assertEquals(0, second.queries("retried.example."));
      first.mode(FaultyUpstream.Mode.ANSWER);
      Message fromSecond = client.udp("nodata.example.", Type.AAAA);
      assertEquals(Rcode.NOERROR, fromSecond.getRcode());
      assertEquals(1, first.queries("nodata.example."));
      assertEquals(1, second.queries("nodata.example."), "the empty answer went on to the second forward");
    }
  }

  @Test
  void sourceAddressIsWhereQueriesAndHealthChecksComeFrom() throws Exception {
    InetAddress second = InetAddress.getByName("127.0.0.2");
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort()
            + " {\n source_address 127.0.0.2\n max_fails 1\n read_timeout 200ms\n health_check 100ms\n}")) {
      assertEquals("10.0.0.1", firstAddress(forward.query("udp.example.", Type.A, Transport.UDP)));
      assertEquals("10.0.0.1", firstAddress(forward.query("tcp.example.", Type.A, Transport.TCP)));
      assertEquals(1, up.tcpConnections());
      up.mode(FaultyUpstream.Mode.DROP_HEALTH_CHECKS);
      up.delayMillis(1000);
      assertEquals(Rcode.SERVFAIL, forward.query("slow.example.", Type.A).getRcode());
      awaitTrue("health checks were sent", () -> up.queries(".") > 0);
      assertEquals(Set.of(second), up.sourceAddresses(), "queries over UDP and TCP, and health checks");
    }
  }

  @Test
  void aSourceAddressThisHostDoesNotHaveFailsQueriesAtOnce() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        ForwardHarness forward = new ForwardHarness("forward . " + up.hostPort()
            + " {\n source_address 192.0.2.1\n max_fails 0\n}")) {
      long start = System.nanoTime();
      assertEquals(Rcode.SERVFAIL, forward.query("nowhere.example.", Type.A).getRcode());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "no read timeout waited out");
      assertEquals(0, up.queries("nowhere.example."));
    }
  }
}
