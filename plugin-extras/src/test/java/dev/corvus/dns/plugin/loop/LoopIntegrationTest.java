package dev.corvus.dns.plugin.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** A forwarding loop on loopback: detected, reported not ready, answered with SERVFAIL, no exit. */
class LoopIntegrationTest {

  @Test
  void loopIsDetectedWithoutStoppingTheServer() throws Exception {
    String corefile = """
        example.org:0 {
          bind 127.0.0.1
          ready 127.0.0.1:0
          loop
          test_relay
        }
        example.net:0 {
          bind 127.0.0.1
          whoami
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).plugin(new RelayFactory()).start()) {
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.notReady().contains("loop")), "loop detected");
      var ready = Http.get(server.httpAddress("/ready"), "/ready");
      assertEquals(503, ready.statusCode());
      assertEquals("loop", ready.body());

      DnsClient client = new DnsClient(server.udpAddress());
      assertEquals(Rcode.SERVFAIL, client.udp("www.example.org.", Type.A).getRcode(), "no forwarding through the loop");
      assertEquals(Rcode.NOERROR, client.udp("www.example.net.", Type.A).getRcode(), "the process still serves");
    }
  }
}
