package dev.corvus.dns.plugin.ready;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** health and ready over real HTTP through startup, a slow readiness provider and lameduck. */
class HealthAndReadyIntegrationTest {

  private static final String COREFILE = """
      .:0 {
        bind 127.0.0.1
        health 127.0.0.1:0 {
          lameduck 1s
        }
        ready 127.0.0.1:0
        test_slow_ready
        whoami
      }
      """;

  @Test
  void probesFollowStartupReadinessAndLameduck() throws Exception {
    SlowReadyFactory slow = new SlowReadyFactory();
    Corvus server = Corvus.builder().corefile(COREFILE).dnsPort(0).plugin(slow).start();
    InetSocketAddress health = server.httpAddress("/health");
    InetSocketAddress ready = server.httpAddress("/ready");
    try {
      // Started, serving, but a provider is still waiting: alive, not ready.
      var h = Http.get(health, "/health");
      assertEquals(200, h.statusCode());
      assertEquals("OK", h.body());
      var r = Http.get(ready, "/ready");
      assertEquals(503, r.statusCode());
      assertEquals("test_slow_ready", r.body());
      assertEquals(Rcode.NOERROR, new DnsClient(server.udpAddress()).udp("a.example.", Type.A).getRcode());

      slow.makeReady();
      r = Http.get(ready, "/ready");
      assertEquals(200, r.statusCode());
      assertEquals("OK", r.body());

      // Self-probe of /health runs once a second and records its duration.
      assertTrue(Poll.until(Duration.ofSeconds(5), () ->
          server.scrapeMetrics().matches("(?s).*\ncoredns_health_request_duration_seconds_count [1-9].*")));
    } catch (Throwable t) {
      server.close();
      throw t;
    }

    // Lameduck: during close, /health stays 200, /ready says shutdown, queries are still answered.
    long start = System.nanoTime();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    assertTrue(Poll.until(Duration.ofSeconds(2), () -> status(ready, "/ready") == 503));
    assertEquals("shutdown", Http.get(ready, "/ready").body());
    assertEquals(200, Http.get(health, "/health").statusCode());
    assertEquals(Rcode.NOERROR, new DnsClient(server.udpAddress()).udp("b.example.", Type.A).getRcode());
    closing.get();
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(900).toNanos(), "close waited for lameduck");
    assertThrows(IOException.class, () -> Http.get(health, "/health"));
  }

  private static int status(InetSocketAddress address, String path) {
    try {
      return Http.get(address, path).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }
}
