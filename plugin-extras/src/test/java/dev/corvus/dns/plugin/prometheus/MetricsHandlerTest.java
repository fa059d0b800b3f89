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
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class MetricsHandlerTest {

  private final PluginTestKit kit = new PluginTestKit();

  private static Message run(Plugin plugin, Request request, String responder, int rcode) throws Exception {
    Message response = plugin.handler().orElseThrow()
        .handle(PluginTestKit.chain(request, responder, next -> Responses.completedError(next.request(), rcode)))
        .toCompletableFuture().get();
    PluginTestKit.written(request, response);
    return response;
  }

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void recordsCorednsQueryMetricsWithLabels() throws Exception {
    PluginContext context = kit.context();
    Plugin plugin = new PrometheusFactory().create(kit.config("prometheus 127.0.0.1:0"), context);
    run(plugin, Queries.request("a.example.", Type.A), "whoami", Rcode.NOERROR);
    run(plugin, Queries.request("b.example.", Type.A), "whoami", Rcode.NOERROR);
    run(plugin, Queries.request("c.example.", Type.HINFO, new InetSocketAddress("::1", 1), Transport.TCP),
        "file", Rcode.NXDOMAIN);

    assertEquals(2, kit.metricValue("coredns_dns_requests_total", "dns://:53", ".", "", "udp", "1", "A"));
    assertEquals(1, kit.metricValue("coredns_dns_requests_total", "dns://:53", ".", "", "tcp", "2", "other"));
    assertEquals(2, kit.metricValue("coredns_dns_responses_total", "dns://:53", ".", "", "NOERROR", "whoami"));
    assertEquals(1, kit.metricValue("coredns_dns_responses_total", "dns://:53", ".", "", "NXDOMAIN", "file"));
    MetricsText text = kit.scrape();
    Map<String, String> block = Map.of("server", "dns://:53", "zone", ".", "view", "");
    Map<String, String> udp = Map.of("server", "dns://:53", "zone", ".", "view", "", "proto", "udp");
    assertEquals(3, text.sum("coredns_dns_request_duration_seconds_count", block));
    assertEquals(2, text.sum("coredns_dns_request_size_bytes_count", udp));
    Message sample = Responses.error(Queries.request("a.example.", Type.A), Rcode.NOERROR);
    assertEquals(2.0 * sample.toWire().length,
        text.sum("coredns_dns_response_size_bytes_sum", udp));
    assertEquals(0, kit.metricValue("coredns_panics_total"));
  }

  @Test
  void labelsFollowEachQuerysServerZoneAndRcodeWhenTheyAlternate() throws Exception {
    // The handler keeps each server block's children; queries of two blocks, interleaved, and
    // rcodes beyond the header's four bits must still land under their own labels.
    PluginContext context = kit.context();
    Plugin plugin = new PrometheusFactory().create(kit.config("prometheus 127.0.0.1:0"), context);
    for (int i = 0; i < 3; i++) {
      run(plugin, Queries.request("a.example.", Type.A), "whoami", Rcode.NOERROR);
      run(plugin, inBlock("b.cluster.local.", "cluster.local.", "dns://:1053"), "kubernetes", Rcode.NXDOMAIN);
    }
    // BADVERS (16): the header's rcode 0 and an extended rcode of 1 in the OPT record
    Request badvers = inBlock("c.cluster.local.", "cluster.local.", "dns://:1053");
    Message response = plugin.handler().orElseThrow()
        .handle(PluginTestKit.chain(badvers, "kubernetes", next -> {
          Message m = Responses.error(next.request(), Rcode.NOERROR);
          m.addRecord(new org.xbill.DNS.OPTRecord(1232, Rcode.BADVERS >>> 4, 0), org.xbill.DNS.Section.ADDITIONAL);
          return CompletableFuture.completedFuture(m);
        }))
        .toCompletableFuture().get();
    assertEquals(Rcode.BADVERS, response.getRcode());
    PluginTestKit.written(badvers, response);

    assertEquals(3, kit.metricValue("coredns_dns_requests_total", "dns://:53", ".", "", "udp", "1", "A"));
    assertEquals(4, kit.metricValue("coredns_dns_requests_total", "dns://:1053", "cluster.local.", "", "udp", "1", "A"));
    assertEquals(3, kit.metricValue("coredns_dns_responses_total", "dns://:53", ".", "", "NOERROR", "whoami"));
    assertEquals(3, kit.metricValue("coredns_dns_responses_total", "dns://:1053", "cluster.local.", "", "NXDOMAIN",
        "kubernetes"));
    assertEquals(1, kit.metricValue("coredns_dns_responses_total", "dns://:1053", "cluster.local.", "", "BADVERS",
        "kubernetes"));
    assertEquals(0, kit.metricValue("coredns_dns_responses_total", "dns://:53", ".", "", "NXDOMAIN", "kubernetes"));
  }

  private static Request inBlock(String name, String zone, String server) {
    Request request = Queries.request(name, Type.A);
    return Request.of(request.message(), request.client(), request.transport(), org.xbill.DNS.Name.fromConstantString(zone),
        server, request.context());
  }

  @Test
  void unexpectedFailureCountsAsPanicButDnsExceptionDoesNot() throws Exception {
    PluginContext context = kit.context();
    Plugin plugin = new PrometheusFactory().create(kit.config("prometheus"), context);
    for (RuntimeException failure : new RuntimeException[] {
        new IllegalStateException("bug"), new DnsException(Rcode.REFUSED, "no")}) {
      var stage = plugin.handler().orElseThrow().handle(PluginTestKit.chain(Queries.request("a.", Type.A), "x",
          r -> CompletableFuture.failedFuture(failure))).toCompletableFuture();
      assertThrows(Exception.class, stage::get);
    }
    assertEquals(1, kit.metricValue("coredns_panics_total"));
  }

  @Test
  void servesTheRegistryAsText() throws Exception {
    PluginContext context = kit.context();
    Plugin plugin = new PrometheusFactory().create(kit.config("metrics 127.0.0.1:9253"), context);
    plugin.start();
    run(plugin, Queries.request("a.example.", Type.MX), "whoami", Rcode.NOERROR);
    HttpEndpoints.Route route = kit.route(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9253), "/metrics");
    HttpEndpoints.HttpResponse response = route.handle(null);
    assertEquals(200, response.status());
    assertTrue(response.contentType().startsWith("text/plain; version=0.0.4"));
    MetricsText text = MetricsText.parse(new String(response.body(), StandardCharsets.UTF_8));
    assertEquals(1, text.sum("coredns_dns_requests_total", Map.of("type", "MX", "proto", "udp")));
    assertEquals(1, text.samples("coredns_build_info").size());
    plugin.stop();
  }

  @Test
  void parsing() throws Exception {
    assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9153),
        PrometheusFactory.parse(kit.config("prometheus")).address());
    assertEquals(new InetSocketAddress(9153), PrometheusFactory.parse(kit.config("prometheus :9153")).address());
    DirectiveConfig runtime = kit.config("prometheus {\n runtime_metrics\n}");
    PrometheusFactory.parse(runtime);
    assertEquals(1, runtime.warnings().size());
    assertThrows(ConfigException.class, () -> PrometheusFactory.parse(kit.config("prometheus :1 :2")));
    assertThrows(ConfigException.class, () -> PrometheusFactory.parse(kit.config("prometheus {\n tls x.yml\n}")));
  }

  @Test
  void typeLabelLumpsUncommonTypes() {
    assertEquals("AAAA", QueryMetrics.typeLabel(Type.AAAA));
    assertEquals("HTTPS", QueryMetrics.typeLabel(Type.HTTPS));
    assertEquals("other", QueryMetrics.typeLabel(Type.HINFO));
    assertEquals("other", QueryMetrics.typeLabel(Type.CAA));
  }
}
