package dev.corvus.dns.plugin.trace;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Errors at the directive's line, for CoreDNS's setup_test.go cases and what Corvus rejects. */
class TraceConfigTest {

  private record Case(String directive, String error) {}

  @Test
  void rejectsWithFileAndLine() {
    List<Case> cases = List.of(
        new Case("trace foo bar baz", "expected [ENDPOINT-TYPE] [ENDPOINT]"),
        new Case("trace jaeger localhost:1", "tracing endpoint type 'jaeger' is not supported"),
        new Case("trace datadog localhost:8126", "'datadog' is not supported by Corvus"),
        new Case("trace {\n  every abc\n }", "every: expected a non-negative integer"),
        new Case("trace {\n  client_server maybe\n }", "client_server: expected true or false"),
        new Case("trace {\n  datadog_analytics_rate 0.5\n }", "Corvus does not export to Datadog"),
        new Case("trace {\n  zipkin_max_batch_interval soon\n }", ""),
        new Case("trace {\n  zipkin_max_backlog_size 0\n }", "SIZE"),
        new Case("trace {\n  colour blue\n }", "colour"));
    for (Case c : cases) {
      ConfigException error = assertThrows(ConfigException.class,
          () -> Corvus.builder().corefile(". {\n whoami\n " + c.directive() + "\n}").dnsPort(0).start(), c.directive());
      assertTrue(error.getMessage().matches("(?s).*:\\d: trace: .*") && error.getMessage().contains(c.error()),
          c.directive() + " -> " + error.getMessage());
    }
  }

  @Test
  void endpointsAreNormalizedAsCoreDns() throws Exception {
    record Endpoint(String args, TraceConfig.Exporter exporter, String url) {}
    for (Endpoint e : List.of(
        new Endpoint("", TraceConfig.Exporter.ZIPKIN, "http://localhost:9411/api/v2/spans"),
        new Endpoint("tracinghost:9253", TraceConfig.Exporter.ZIPKIN, "http://tracinghost:9253/api/v2/spans"),
        new Endpoint("zipkin tracinghost:9253", TraceConfig.Exporter.ZIPKIN, "http://tracinghost:9253/api/v2/spans"),
        new Endpoint("http://tracinghost:9411/zipkin/api/v2/spans", TraceConfig.Exporter.ZIPKIN,
            "http://tracinghost:9411/zipkin/api/v2/spans"),
        new Endpoint("otlp collector:4318", TraceConfig.Exporter.OTLP, "http://collector:4318/v1/traces"),
        new Endpoint("OTLP https://collector/v1/traces", TraceConfig.Exporter.OTLP, "https://collector/v1/traces"))) {
      TraceConfig config =
          TraceFactory.parse(new dev.corvus.dns.testkit.PluginTestKit().config("trace " + e.args()));
      assertTrue(config.exporter() == e.exporter() && config.endpoint().toString().equals(e.url()),
          e + " -> " + config);
    }
  }
}
