package dev.corvus.dns.plugin.shed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class ShedTest {

  /**
   * Test-only directive {@code hold_or_answer}: holds queries for {@code hold.*} names until
   * released (they wait as on an upstream), answers every other name from memory.
   */
  static final class HoldOrAnswerFactory implements PluginFactory {
    final List<CompletableFuture<Message>> held = new CopyOnWriteArrayList<>();

    @Override
    public String directive() {
      return "hold_or_answer";
    }

    @Override
    public Placement placement() {
      return Placement.after("whoami");
    }

    @Override
    public Plugin create(ConfigReader config, PluginContext context) {
      return Plugin.of(chain -> {
        var request = chain.request();
        Message answer = Responses.answer(request,
            new ARecord(request.qname(), DClass.IN, 30, java.net.InetAddress.getLoopbackAddress()));
        if (request.lowerName().startsWith("hold.")) {
          CompletableFuture<Message> later = new CompletableFuture<>();
          held.add(later);
          return later.thenApply(ignored -> answer);
        }
        return Responses.completed(answer);
      });
    }

    void releaseAll() {
      held.forEach(f -> f.complete(null));
    }
  }

  private static Corvus serve(String directives, HoldOrAnswerFactory plugin) throws Exception {
    return Corvus.builder().corefile(".:0 {\n" + directives + "    hold_or_answer\n}\n")
        .plugin(plugin).maxInFlight(1).dnsPort(0).start();
  }

  /** Sends hold.example. over UDP without waiting, then waits until the server counts it in flight. */
  private static void fillTheInFlightBound(Corvus server) throws Exception {
    new Thread(() -> {
      try {
        new DnsClient(server.udpAddress(), Duration.ofSeconds(10)).udp("hold.example.", Type.A);
      } catch (java.io.IOException e) {
        // the test ends without releasing it in one case: the answer is then never awaited
      }
    }).start();
    assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.metricValue("corvus_dns_inflight_requests") == 1.0));
  }

  @Test
  void withoutShedAnswersFromMemoryFlowAtTheBound() throws Exception {
    HoldOrAnswerFactory plugin = new HoldOrAnswerFactory();
    try (Corvus server = serve("", plugin)) {
      fillTheInFlightBound(server);
      assertEquals(Rcode.NOERROR, new DnsClient(server.udpAddress()).udp("memory.example.", Type.A).getRcode());
      plugin.releaseAll();
    }
  }

  @Test
  void atTheBoundShedDropsUdpQueriesBeforeThePluginsButNotTcp() throws Exception {
    HoldOrAnswerFactory plugin = new HoldOrAnswerFactory();
    try (Corvus server = serve("    shed\n", plugin)) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
      DnsClient impatient = new DnsClient(server.udpAddress(), Duration.ofMillis(500));
      assertEquals(Rcode.NOERROR, client.udp("memory.example.", Type.A).getRcode(), "below the bound: answered");

      fillTheInFlightBound(server);
      assertThrows(SocketTimeoutException.class, () -> impatient.udp("memory.example.", Type.A), "dropped silently");
      assertEquals(1.0, server.metricValue("coredns_shed_dropped_total", "dns://:0", "query"));
      assertEquals(1.0, server.metricValue("corvus_dns_dropped_requests_total", "overload"));
      assertEquals(Rcode.NOERROR, client.tcp("memory.example.", Type.A).getRcode(), "TCP is never shed by shed");

      plugin.releaseAll();
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.metricValue("corvus_dns_inflight_requests") == 0.0));
      assertEquals(Rcode.NOERROR, client.udp("memory.example.", Type.A).getRcode(), "below the bound again: answered");
      assertEquals(1.0, server.metricValue("coredns_shed_dropped_total", "dns://:0", "query"));
    }
  }

  /** A self-signed certificate and key made with the openssl command. */
  private static void selfSigned(Path dir) throws Exception {
    Process process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "1", "-subj", "/CN=localhost").redirectErrorStream(true).start();
    process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "openssl made a certificate");
  }

  @Test
  void optionsArgumentsAndOtherTransportsAreRejectedAtTheirLine(@TempDir Path dir) throws Exception {
    HoldOrAnswerFactory plugin = new HoldOrAnswerFactory();
    ConfigException args = assertThrows(ConfigException.class, () -> serve("    shed 10\n", plugin).close());
    assertTrue(args.getMessage().contains(":2: shed: "), args.getMessage());
    ConfigException block = assertThrows(ConfigException.class, () -> serve("    shed {\n        max 3\n    }\n", plugin).close());
    assertTrue(block.getMessage().contains("shed takes no options"), block.getMessage());
    selfSigned(dir);
    ConfigException tls = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("tls://.:0 {\n    tls " + dir.resolve("cert.pem") + " " + dir.resolve("key.pem") + "\n    shed\n    whoami\n}\n").dnsPort(0).start().close());
    assertTrue(tls.getMessage().contains(":3: shed: only plain DNS server blocks"), tls.getMessage());
  }
}
