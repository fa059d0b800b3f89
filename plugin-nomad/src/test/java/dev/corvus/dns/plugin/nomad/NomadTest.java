package dev.corvus.dns.plugin.nomad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The nomad directive against an emulation of Nomad's HTTP API (the endpoints and bodies of
 * CoreDNS's nomad_test.go, served by the JDK's HTTP server on loopback), queried over real UDP and
 * TCP. Not tested against a real Nomad agent: none is packaged for Debian.
 */
class NomadTest {

  private static final Map<String, String> SERVICES = Map.of(
      "/v1/service/example", "[{\"Address\":\"1.2.3.4\",\"Namespace\":\"default\",\"Port\":23202,\"ServiceName\":\"example\"}]",
      "/v1/service/fakeipv6", "[{\"Address\":\"1:2:3::4\",\"Namespace\":\"default\",\"Port\":8000,\"ServiceName\":\"fakeipv6\"}]",
      "/v1/service/multi", "[{\"Address\":\"1.2.3.4\",\"Namespace\":\"default\",\"Port\":25395,\"ServiceName\":\"multi\"},"
          + "{\"Address\":\"1.2.3.5\",\"Namespace\":\"default\",\"Port\":20888,\"ServiceName\":\"multi\"},"
          + "{\"Address\":\"1.2.3.6\",\"Namespace\":\"default\",\"Port\":26292,\"ServiceName\":\"multi\"}]",
      "/v1/service/nonexistent", "[]",
      "/v1/agent/self", "{}");

  private HttpServer nomad;
  private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void startNomad() throws IOException {
    nomad = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    nomad.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI() + " token=" + exchange.getRequestHeaders().getFirst("X-Nomad-Token"));
      String body = SERVICES.get(exchange.getRequestURI().getPath());
      byte[] bytes = (body == null ? "not found" : body).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    nomad.start();
  }

  @AfterEach
  void stopNomad() {
    nomad.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + nomad.getAddress().getPort();
  }

  private Corvus start(String options) throws Exception {
    return Corvus.builder()
        .corefile("service.nomad:0 {\n  nomad service.nomad {\n" + options + "  }\n}\n")
        .dnsPort(0)
        .start();
  }

  private static List<String> section(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      out.add(r.toString().replace('\t', ' ').replaceAll(" +", " "));
    }
    out.sort(null);
    return out;
  }

  @Test
  void answersAsCoreDnsTestsExpect() throws Exception {
    try (Corvus server = start("    address " + url() + "\n    token s3cret\n    filter \"Tags contains \\\"web\\\"\"\n")) {
      assertTrue(Poll.until(Duration.ofSeconds(5), server::isReady), () -> "not ready: " + server.notReady());
      DnsClient dns = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
      for (boolean tcp : new boolean[] {false, true}) {
        Message a = tcp ? dns.tcp("example.default.service.nomad.", Type.A) : dns.udp("example.default.service.nomad.", Type.A);
        assertEquals(Rcode.NOERROR, a.getRcode());
        assertEquals(List.of("example.default.service.nomad. 30 IN A 1.2.3.4"), section(a, Section.ANSWER));
        Message aaaaOfV4 = dns.udp("example.default.service.nomad.", Type.AAAA);
        assertEquals(Rcode.NOERROR, aaaaOfV4.getRcode());
        assertTrue(section(aaaaOfV4, Section.ANSWER).isEmpty());
        Message aaaa = dns.udp("fakeipv6.default.service.nomad.", Type.AAAA);
        assertEquals(List.of("fakeipv6.default.service.nomad. 30 IN AAAA 1:2:3:0:0:0:0:4"), section(aaaa, Section.ANSWER));
        assertTrue(section(dns.udp("fakeipv6.default.service.nomad.", Type.A), Section.ANSWER).isEmpty());
        assertEquals(List.of("multi.default.service.nomad. 30 IN A 1.2.3.4", "multi.default.service.nomad. 30 IN A 1.2.3.5",
            "multi.default.service.nomad. 30 IN A 1.2.3.6"), section(dns.udp("multi.default.service.nomad.", Type.A), Section.ANSWER));
        Message none = tcp ? dns.tcp("nonexistent.default.service.nomad.", Type.A) : dns.udp("nonexistent.default.service.nomad.", Type.A);
        assertEquals(Rcode.NXDOMAIN, none.getRcode());
        assertEquals(List.of("nonexistent.default.service.nomad. 30 IN SOA ns1.nonexistent.default.service.nomad. "
            + "hostmaster.service.nomad. 0 3600 600 86400 30"), section(none, Section.ANSWER));
        Message srv = dns.udp("example.default.service.nomad.", Type.SRV);
        assertEquals(List.of("example.default.service.nomad. 30 IN SRV 10 10 23202 example.default.service.nomad."),
            section(srv, Section.ANSWER));
        assertEquals(List.of("example.default.service.nomad. 30 IN A 1.2.3.4"), section(srv, Section.ADDITIONAL));
      }
      assertTrue(seen.stream().anyMatch(s -> s.startsWith("/v1/service/example?namespace=default&filter=Tags+contains+%22web%22")
          && s.endsWith("token=s3cret")), seen.toString());
    }
  }

  @Test
  void aFailedAgentIsSkippedAndNoAgentGivesAnEmptyAnswer() throws Exception {
    String dead = "http://127.0.0.1:" + freePortWithNothingOnIt();
    try (Corvus server = start("    address " + dead + " " + url() + "\n    ttl 10\n")) {
      assertTrue(Poll.until(Duration.ofSeconds(5), server::isReady), () -> "not ready: " + server.notReady());
      DnsClient dns = new DnsClient(server.udpAddress(), Duration.ofSeconds(5));
      assertEquals(List.of("example.default.service.nomad. 10 IN A 1.2.3.4"),
          section(dns.udp("example.default.service.nomad.", Type.A), Section.ANSWER));
      nomad.stop(0);
      Message down = dns.udp("example.default.service.nomad.", Type.A);
      assertEquals(Rcode.NOERROR, down.getRcode(), "CoreDNS answers an empty NOERROR when no agent answers");
      assertTrue(section(down, Section.ANSWER).isEmpty());
      assertFalse(server.scrapeMetrics().isEmpty());
      assertTrue(server.scrapeMetrics().contains("coredns_nomad_failed_requests_total"), server.scrapeMetrics());
    }
  }

  private static int freePortWithNothingOnIt() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
