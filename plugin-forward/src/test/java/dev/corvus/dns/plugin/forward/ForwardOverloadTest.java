package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.Poll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** At the server's in-flight bound, forward starts no upstream exchange: shed before memory is committed. */
class ForwardOverloadTest {

  @Test
  void queriesBeyondTheInFlightBoundNeverReachTheUpstream() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        Corvus server = Corvus.builder()
            // Bound to one address: on a wildcard bind the first datagrams to an address are read by
            // the wildcard socket and the rest by the sockets then bound to that address, two I/O
            // loops that each see the in-flight count before the other's increment (5 names
            // reached the upstream for a bound of 4 on a loaded machine).
            .corefile(".:0 {\n    bind 127.0.0.1\n    forward . " + up.hostPort() + " {\n        max_fails 0\n    }\n}\n")
            .dnsPort(0)
            .maxInFlight(4)
            .start();
        DatagramSocket client = new DatagramSocket()) {
      up.delayMillis(1500);
      for (int i = 0; i < 20; i++) {
        byte[] wire = DnsClient.newQuery("flood" + i + ".example.org.", Type.A).toWire();
        client.send(new DatagramPacket(wire, wire.length, server.udpAddress()));
      }
      assertTrue(Poll.until(Duration.ofSeconds(5), () -> shed(server) >= 16), "16 of 20 shed: " + shed(server));
      // Names, not datagrams: forward asks again for a name the slow upstream has not answered
      // after its RTT-based timeout (200 ms at the least), which a slow first scrape can outlast.
      int reached = 0;
      for (int i = 0; i < 20; i++) {
        reached += up.queries("flood" + i + ".example.org.") > 0 ? 1 : 0;
      }
      assertEquals(4, reached, "only the queries within the bound were sent upstream");
      up.delayMillis(0);
      assertTrue(Poll.until(Duration.ofSeconds(5), () -> answered(server)), "answers again once the waits end");
    }
  }

  private static double shed(Corvus server) {
    return MetricsText.parse(server.scrapeMetrics()).sum("corvus_dns_dropped_requests_total", Map.of("reason", "overload"));
  }

  private static boolean answered(Corvus server) {
    try {
      Message response = new DnsClient(server.udpAddress(), Duration.ofMillis(500)).udp("after.example.org.", Type.A);
      return response.getRcode() == Rcode.NOERROR;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
