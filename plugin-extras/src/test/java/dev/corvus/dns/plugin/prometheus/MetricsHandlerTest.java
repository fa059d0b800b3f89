package dev.corvus.dns.plugin.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.plugin.debug.testkit.FakeContext;
import dev.corvus.dns.plugin.debug.testkit.PromText;
import dev.corvus.dns.plugin.debug.testkit.Queries;
import dev.corvus.dns.plugin.debug.testkit.ScriptedConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class MetricsHandlerTest {

  private static Message run(Plugin plugin, Request request, String responder, int rcode) throws Exception {
    Message response = plugin.handler().orElseThrow()
        .handle(Queries.chain(request, responder, r -> Responses.completedError(r, rcode)))
        .toCompletableFuture().get();
    Queries.written(request, response);
    return response;
  }

  @Test
  void recordsCorednsQueryMetricsWithLabels() throws Exception {
    try (FakeContext context = new FakeContext()) {
      Plugin plugin = new PrometheusFactory().create(ScriptedConfig.of("prometheus 127.0.0.1:0"), context);
      run(plugin, Queries.request("a.example.", Type.A), "whoami", Rcode.NOERROR);
      run(plugin, Queries.request("b.example.", Type.A), "whoami", Rcode.NOERROR);
      run(plugin, Queries.request("c.example.", Type.HINFO, new InetSocketAddress("::1", 1), Transport.TCP),
          "file", Rcode.NXDOMAIN);

      var m = context.metrics;
      assertEquals(2, m.value("coredns_dns_requests_total", "dns://:53", ".", "", "udp", "1", "A"));
      assertEquals(1, m.value("coredns_dns_requests_total", "dns://:53", ".", "", "tcp", "2", "other"));
      assertEquals(2, m.value("coredns_dns_responses_total", "dns://:53", ".", "", "NOERROR", "whoami"));
      assertEquals(1, m.value("coredns_dns_responses_total", "dns://:53", ".", "", "NXDOMAIN", "file"));
      assertEquals(3, m.histogram("coredns_dns_request_duration_seconds", "dns://:53", ".", "").count());
      assertEquals(2, m.histogram("coredns_dns_request_size_bytes", "dns://:53", ".", "", "udp").count());
      Message sample = Responses.error(Queries.request("a.example.", Type.A), Rcode.NOERROR);
      assertEquals(2.0 * sample.toWire().length,
          m.histogram("coredns_dns_response_size_bytes", "dns://:53", ".", "", "udp").sum());
      assertEquals(0, m.value("coredns_panics_total"));
    }
  }

  @Test
  void unexpectedFailureCountsAsPanicButDnsExceptionDoesNot() throws Exception {
    try (FakeContext context = new FakeContext()) {
      Plugin plugin = new PrometheusFactory().create(ScriptedConfig.of("prometheus"), context);
      for (RuntimeException failure : new RuntimeException[] {
          new IllegalStateException("bug"), new DnsException(Rcode.REFUSED, "no")}) {
        var stage = plugin.handler().orElseThrow().handle(Queries.chain(Queries.request("a.", Type.A), "x",
            r -> CompletableFuture.failedFuture(failure))).toCompletableFuture();
        assertThrows(Exception.class, stage::get);
      }
      assertEquals(1, context.metrics.value("coredns_panics_total"));
    }
  }

  @Test
  void servesTheRegistryAsText() throws Exception {
    try (FakeContext context = new FakeContext()) {
      Plugin plugin = new PrometheusFactory().create(ScriptedConfig.of("metrics 127.0.0.1:9253"), context);
      plugin.start();
      run(plugin, Queries.request("a.example.", Type.MX), "whoami", Rcode.NOERROR);
      HttpEndpoints.Route route = context.route(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9253), "/metrics");
      HttpEndpoints.HttpResponse response = route.handle();
      assertEquals(200, response.status());
      assertTrue(response.contentType().startsWith("text/plain; version=0.0.4"));
      PromText text = PromText.parse(new String(response.body(), StandardCharsets.UTF_8));
      assertEquals(1, text.sum("coredns_dns_requests_total", Map.of("type", "MX", "proto", "udp")));
      assertEquals(1, text.samples("coredns_build_info").size());
      plugin.stop();
    }
  }

  @Test
  void parsing() throws Exception {
    assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9153),
        PrometheusFactory.parse(ScriptedConfig.of("prometheus")).address());
    assertEquals(new InetSocketAddress(9153), PrometheusFactory.parse(ScriptedConfig.of("prometheus :9153")).address());
    ScriptedConfig runtime = ScriptedConfig.of("prometheus {\n runtime_metrics\n}");
    PrometheusFactory.parse(runtime);
    assertEquals(1, runtime.warnings().size());
    assertThrows(ConfigException.class, () -> PrometheusFactory.parse(ScriptedConfig.of("prometheus :1 :2")));
    assertThrows(ConfigException.class, () -> PrometheusFactory.parse(ScriptedConfig.of("prometheus {\n tls x.yml\n}")));
  }

  @Test
  void typeLabelLumpsUncommonTypes() {
    assertEquals("AAAA", QueryMetrics.typeLabel(Type.AAAA));
    assertEquals("HTTPS", QueryMetrics.typeLabel(Type.HTTPS));
    assertEquals("other", QueryMetrics.typeLabel(Type.HINFO));
    assertEquals("other", QueryMetrics.typeLabel(Type.CAA));
  }
}
