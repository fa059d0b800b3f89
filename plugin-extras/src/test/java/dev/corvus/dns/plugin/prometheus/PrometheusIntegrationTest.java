package dev.corvus.dns.plugin.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.plugin.testing.TestAnswerFactory;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.Poll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Scrapes /metrics over HTTP after a scripted sequence of queries and checks the values. */
class PrometheusIntegrationTest {

  @Test
  void twoBlocksShareOneAddressAndCountTheirQueries() throws Exception {
    int port = Http.freePort();
    String corefile = """
        example.org:0 {
          bind 127.0.0.1
          prometheus 127.0.0.1:%1$d
          whoami
        }
        example.net:0 {
          bind 127.0.0.1
          metrics 127.0.0.1:%1$d
          test_answer A 10.0.0.1 10.0.0.2
        }
        """.formatted(port);
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).plugin(new TestAnswerFactory()).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      client.udp("a.example.org.", Type.A);
      client.udp("b.example.org.", Type.A);
      client.udp("c.example.org.", Type.HINFO);
      client.tcp("d.example.org.", Type.AAAA);
      client.udp("www.example.net.", Type.A);
      client.udp("mail.example.net.", Type.MX);

      InetSocketAddress metrics = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
      // Metrics are recorded once a response is written, just after the client may have read it.
      assertTrue(Poll.until(Duration.ofSeconds(5), () -> scrape(metrics)
          .sum("coredns_dns_requests_total", Map.of()) >= 6));
      var response = Http.get(metrics, "/metrics");
      assertEquals(200, response.statusCode());
      assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
      MetricsText text = MetricsText.parse(response.body());

      assertEquals(2, text.sum("coredns_dns_requests_total",
          Map.of("zone", "example.org.", "proto", "udp", "family", "1", "type", "A", "view", "")));
      assertEquals(1, text.sum("coredns_dns_requests_total", Map.of("zone", "example.org.", "type", "other")));
      assertEquals(1, text.sum("coredns_dns_requests_total", Map.of("zone", "example.org.", "proto", "tcp", "type", "AAAA")));
      assertEquals(1, text.sum("coredns_dns_requests_total", Map.of("zone", "example.net.", "type", "MX")));
      assertEquals(4, text.sum("coredns_dns_responses_total",
          Map.of("zone", "example.org.", "rcode", "NOERROR", "plugin", "whoami")));
      assertEquals(2, text.sum("coredns_dns_responses_total",
          Map.of("zone", "example.net.", "rcode", "NOERROR", "plugin", "test_answer")));
      assertEquals(4, text.sum("coredns_dns_request_duration_seconds_count", Map.of("zone", "example.org.")));
      assertEquals(3, text.sum("coredns_dns_request_size_bytes_count", Map.of("zone", "example.org.", "proto", "udp")));
      assertEquals(2, text.sum("coredns_dns_response_size_bytes_count", Map.of("zone", "example.net.")));
      assertTrue(text.sum("coredns_dns_response_size_bytes_sum", Map.of("zone", "example.net.")) > 2 * 12);
      assertEquals(0, text.sum("coredns_panics_total", Map.of()));
      assertEquals(Set.of("server", "zone", "view", "proto", "family", "type"),
          text.samples("coredns_dns_requests_total").get(0).labels().keySet());

      // CoreDNS's duration buckets, 0.25 ms doubling to 8.192 s, plus +Inf.
      Set<Double> bounds = text.samples("coredns_dns_request_duration_seconds_bucket").stream()
          .map(s -> s.labels().get("le")).map(le -> le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le))
          .collect(Collectors.toSet());
      Set<Double> expected = new HashSet<>(Metrics.DNS_DURATION_BUCKETS);
      expected.add(Double.POSITIVE_INFINITY);
      assertEquals(expected, bounds);
      assertEquals("counter", text.type("coredns_dns_requests_total"));
      assertEquals("histogram", text.type("coredns_dns_request_duration_seconds"));
    }
  }

  private static MetricsText scrape(InetSocketAddress address) {
    try {
      return MetricsText.parse(Http.get(address, "/metrics").body());
    } catch (Exception e) {
      return MetricsText.parse("");
    }
  }

  @Test
  void buildInfoIsExported() throws Exception {
    String corefile = ".:0 {\n bind 127.0.0.1\n prometheus 127.0.0.1:0\n whoami\n}";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      MetricsText text = MetricsText.parse(Http.get(server.httpAddress("/metrics"), "/metrics").body());
      assertEquals(List.of(), text.samples("coredns_dns_requests_total"));
      assertEquals(1, text.samples("coredns_build_info").size());
      assertEquals(Set.of("version", "revision", "goversion"), text.samples("coredns_build_info").get(0).labels().keySet());
    }
  }
}
