package dev.corvus.dns.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

  private static String text(PrometheusMetrics metrics) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.writeText(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void countersKeepCorednsNamesAndSurviveReRegistration() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    metrics.counter("coredns_dns_requests_total", "help", "server", "zone").labels("dns://:53", ".").inc();
    metrics.counter("coredns_dns_requests_total", "help", "server", "zone").labels("dns://:53", ".").inc();
    assertTrue(text(metrics).contains("coredns_dns_requests_total{server=\"dns://:53\",zone=\".\"} 2.0"), text(metrics));
    assertThrows(IllegalArgumentException.class, () -> metrics.counter("coredns_dns_requests_total", "help", "server"));
  }

  @Test
  void jvmMetricsAreServedFromTheFirstScrapeOnAndOnce() throws Exception {
    PrometheusMetrics metrics = PrometheusMetrics.withJvmMetrics();
    metrics.counter("coredns_dns_requests_total", "help", "server").labels("dns://:53").inc();
    String first = text(metrics);
    assertTrue(first.contains("jvm_memory_used_bytes{area=\"heap\"}"), first);
    assertTrue(first.contains("coredns_dns_requests_total{server=\"dns://:53\"} 1.0"), first);
    String second = text(metrics);
    assertEquals(1, second.lines().filter(line -> line.startsWith("# TYPE jvm_memory_used_bytes ")).count(), second);
    assertFalse(text(new PrometheusMetrics()).contains("jvm_"));
  }

  @Test
  void infoMetricsAreExposedAsGaugesOfOne() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    metrics.gauge("coredns_build_info", "build", "version", "revision", "goversion").labels("1.0", "abc", "java17").set(1);
    metrics.gaugeFunction("coredns_reload_version_info", "reload", List.of("hash", "value"),
        () -> List.of(new Metrics.Sample(List.of("sha512", "deadbeef"), 1)));
    String text = text(metrics);
    assertTrue(text.contains("coredns_build_info{goversion=\"java17\",revision=\"abc\",version=\"1.0\"} 1"), text);
    assertTrue(text.contains("coredns_reload_version_info{hash=\"sha512\",value=\"deadbeef\"} 1"), text);
  }

  @Test
  void histogramsUseTheGivenBuckets() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    metrics.histogram("coredns_dns_request_duration_seconds", "d", Metrics.DNS_DURATION_BUCKETS, "server")
        .labels("dns://:53").observe(0.0003);
    String text = text(metrics);
    // The Java client writes bounds as Java doubles (2.5E-4); Prometheus parses both spellings alike.
    assertTrue(text.contains("coredns_dns_request_duration_seconds_bucket{server=\"dns://:53\",le=\"2.5E-4\"} 0"), text);
    assertTrue(text.contains("coredns_dns_request_duration_seconds_bucket{server=\"dns://:53\",le=\"5.0E-4\"} 1"), text);
    assertTrue(text.contains("coredns_dns_request_duration_seconds_bucket{server=\"dns://:53\",le=\"8.192\"} 1"), text);
    assertTrue(text.contains("coredns_dns_request_duration_seconds_count{server=\"dns://:53\"} 1"), text);
  }
}
