package dev.corvus.dns.plugin.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.debug.testkit.CapturedStderr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testkit.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class ErrorsIntegrationTest {

  @Test
  void failureIsLoggedWithStackTraceUnderDebugAndAnsweredServfail() throws Exception {
    String corefile = ".:0 {\n bind 127.0.0.1\n debug\n errors\n test_fail \"upstream timed out\"\n}";
    try (CapturedStderr err = new CapturedStderr();
        Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.SERVFAIL, new DnsClient(server.udpAddress()).udp("x.example.", Type.AAAA).getRcode());
      assertTrue(Poll.until(Duration.ofSeconds(5),
          () -> err.lines().stream().anyMatch(l -> l.endsWith("2 x.example. AAAA: upstream timed out"))), () -> "" + err.lines());
      assertTrue(Poll.until(Duration.ofSeconds(5), () -> err.lines().stream()
          .anyMatch(l -> l.startsWith("java.lang.IllegalStateException: upstream timed out"))), "stack trace under debug");
    }
  }
}
