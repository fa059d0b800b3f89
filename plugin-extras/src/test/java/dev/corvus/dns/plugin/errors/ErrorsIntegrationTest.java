package dev.corvus.dns.plugin.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.CapturedStderr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class ErrorsIntegrationTest {

  @Test
  void failureIsLoggedWithStackTraceUnderDebugAndAnsweredServfail() throws Exception {
    String corefile = ".:0 {\n bind 127.0.0.1\n debug\n errors\n test_fail \"upstream timed out\"\n}";
    try (CapturedStderr err = new CapturedStderr();
        Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).plugin(new FailingFactory()).start()) {
      assertEquals(Rcode.SERVFAIL, new DnsClient(server.udpAddress()).udp("x.example.", Type.AAAA).getRcode());
      assertTrue(err.awaitLine(l -> l.endsWith("2 x.example. AAAA: upstream timed out"), Duration.ofSeconds(5)),
          () -> "" + err.lines());
      assertTrue(err.awaitLine(l -> l.startsWith("java.lang.IllegalStateException: upstream timed out"),
          Duration.ofSeconds(5)), "stack trace under debug");
    }
  }
}
