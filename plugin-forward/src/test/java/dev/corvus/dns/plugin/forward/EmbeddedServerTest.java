package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The plugin inside a real server started with the embedding API, queried over real sockets. */
class EmbeddedServerTest {

  private static Corvus start(String corefile) throws Exception {
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  @Test
  void serverForwardsOverUdpAndTcpAndExportsMetrics() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        Corvus server = start(".:0 {\n forward . " + up.hostPort() + "\n}\n")) {
      DnsClient client = new DnsClient(server.udpAddress());
      assertEquals("10.0.0.1", firstAddress(client.udp("www.example.org.", Type.A)));
      assertEquals("10.0.0.1", firstAddress(new DnsClient(server.tcpAddress()).tcp("www.example.org.", Type.A)));
      String metrics = server.scrapeMetrics();
      assertTrue(metrics.contains("coredns_forward_requests_total"), metrics);
      assertTrue(metrics.contains("corvus_forward_upstream_healthy"), metrics);
    }
  }

  /**
   * A truncated UDP answer, and one longer than the receive buffer (4 KiB: cut short, unreadable),
   * are both asked again over TCP, and the client gets the whole answer.
   */
  @ParameterizedTest
  @EnumSource(value = FaultyUpstream.Mode.class, names = {"TRUNCATE_UDP", "OVERSIZED_UDP"})
  void incompleteUdpAnswersAreAskedAgainOverTcp(FaultyUpstream.Mode mode) throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1");
        Corvus server = start(".:0 {\n forward . " + up.hostPort() + "\n}\n")) {
      up.mode(mode);
      Message response = new DnsClient(server.udpAddress()).udp("big.example.", Type.A);
      assertEquals(Rcode.NOERROR, response.getRcode());
      assertEquals("10.0.0.1", firstAddress(response));
      assertEquals(1, up.tcpQueries());
    }
  }
}
