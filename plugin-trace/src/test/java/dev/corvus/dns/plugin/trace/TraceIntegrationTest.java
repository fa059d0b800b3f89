package dev.corvus.dns.plugin.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Spans exported to a receiver on loopback, decoded as a collector decodes them. */
class TraceIntegrationTest {

  /** Generous: the tests share a loaded machine; nothing here waits for the timeout. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void forwardedQueriesExportAServerSpanWithCorednsTagsAndAConnectChildPerUpstreamAttempt() throws Exception {
    try (SpanReceiver receiver = new SpanReceiver();
        Corvus upstream = Corvus.builder().corefile(". {\n bind 127.0.0.1\n whoami\n}").dnsPort(0).start()) {
      int upstreamPort = upstream.udpAddress().getPort();
      try (Corvus server =
          Corvus.builder()
              .corefile(". {\n bind 127.0.0.1\n trace otlp http://" + receiver.address() + "/v1/traces {\n"
                  + "  service corvus-test\n  zipkin_max_batch_interval 100ms\n }\n"
                  + " forward . 127.0.0.1:" + upstreamPort + "\n}")
              .dnsPort(0)
              .start()) {
        DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
        assertEquals(Rcode.NOERROR, client.udp("traced.example.org.", Type.A).getRcode());
        assertEquals(Rcode.NOERROR, client.tcp("traced.example.org.", Type.MX).getRcode());
        assertTrue(Poll.until(Duration.ofSeconds(15), () -> receiver.otlp.size() >= 4), receiver.otlp.toString());
      }
      assertEquals("application/x-protobuf", receiver.contentTypes.get(0));
      List<SpanReceiver.Received> served = receiver.named("servedns");
      List<SpanReceiver.Received> connects = receiver.named("connect");
      assertEquals(2, served.size(), receiver.otlp.toString());
      assertEquals(2, connects.size(), receiver.otlp.toString());
      for (String proto : List.of("udp", "tcp")) {
        SpanReceiver.Received span =
            served.stream().filter(s -> proto.equals(s.attributes().get("coredns.io/proto"))).findFirst().orElseThrow();
        assertEquals("corvus-test", span.service());
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.kind());
        assertEquals("traced.example.org.", span.attributes().get("coredns.io/name"));
        assertEquals(proto.equals("udp") ? "A" : "MX", span.attributes().get("coredns.io/type"));
        assertEquals("NOERROR", span.attributes().get("coredns.io/rcode"));
        assertEquals("127.0.0.1", span.attributes().get("coredns.io/remote"));
        assertEquals("", span.parentId());
        SpanReceiver.Received connect =
            connects.stream().filter(c -> c.parentId().equals(span.spanId())).findFirst().orElseThrow();
        assertEquals(span.traceId(), connect.traceId());
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, connect.kind());
        assertEquals("127.0.0.1:" + upstreamPort, connect.attributes().get("peer.address"));
        assertEquals("forward", connect.attributes().get("corvus.plugin"));
      }
    }
  }

  @Test
  void everyThirdQueryIsTraced() throws Exception {
    try (SpanReceiver receiver = new SpanReceiver()) {
      try (Corvus server =
          Corvus.builder()
              .corefile(". {\n bind 127.0.0.1\n trace otlp " + receiver.address() + " {\n  every 3\n }\n whoami\n}")
              .dnsPort(0)
              .start()) {
        DnsClient client = new DnsClient(server.udpAddress(), TIMEOUT);
        for (int i = 1; i <= 7; i++) {
          assertEquals(Rcode.NOERROR, client.udp("q" + i + ".example.", Type.A).getRcode());
        }
      } // stopping flushes the exporter
      assertEquals(List.of("q3.example.", "q6.example."),
          receiver.named("servedns").stream().map(s -> s.attributes().get("coredns.io/name")).sorted().toList());
    }
  }

  @Test
  void zipkinReceivesV2JsonWithTheDefaultServiceName() throws Exception {
    try (SpanReceiver receiver = new SpanReceiver()) {
      try (Corvus server =
          Corvus.builder()
              .corefile(". {\n bind 127.0.0.1\n trace zipkin " + receiver.address() + "\n whoami\n}")
              .dnsPort(0)
              .start()) {
        assertEquals(Rcode.NOERROR, new DnsClient(server.udpAddress(), TIMEOUT).udp("zipkin.example.", Type.AAAA).getRcode());
        assertTrue(Poll.until(Duration.ofSeconds(15), () -> !receiver.zipkin.isEmpty()));
      }
      String json = String.join("", receiver.zipkin);
      assertTrue(json.startsWith("[{\"traceId\":\""), json);
      assertTrue(json.contains("\"name\":\"servedns\",\"kind\":\"SERVER\""), json);
      assertTrue(json.contains("\"localEndpoint\":{\"serviceName\":\"coredns\"}"), json);
      assertTrue(json.contains("\"coredns.io/name\":\"zipkin.example.\""), json);
      assertTrue(json.contains("\"coredns.io/type\":\"AAAA\""), json);
      assertTrue(json.contains("\"coredns.io/rcode\":\"NOERROR\""), json);
    }
  }

  @Test
  void datadogIsRejectedAtItsLine() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(". {\n whoami\n trace datadog localhost:8126\n}").dnsPort(0).start());
    assertTrue(error.getMessage().matches(".*:3: trace: tracing endpoint type 'datadog' is not supported.*"),
        error.getMessage());
  }
}
