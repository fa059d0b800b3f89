package dev.corvus.dns.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTextTest {

  private static final String TEXT = """
      # HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.
      # TYPE coredns_dns_requests_total counter
      coredns_dns_requests_total{server="dns://:53",zone=".",proto="udp"} 3
      coredns_dns_requests_total{server="dns://:53",zone=".",proto="tcp"} 1.0
      # TYPE corvus_odd gauge
      corvus_odd{text="a \\"quoted\\" \\\\ line\\nbreak"} +Inf
      corvus_plain 7 1700000000000
      """;

  @Test
  void readsSamplesLabelsAndTypes() {
    MetricsText text = MetricsText.parse(TEXT);
    assertEquals("counter", text.type("coredns_dns_requests_total"));
    assertNull(text.type("corvus_plain"));
    assertEquals(2, text.samples("coredns_dns_requests_total").size());
    assertEquals(List.of("server", "zone", "proto"),
        List.copyOf(text.samples("coredns_dns_requests_total").get(0).labels().keySet()));
    assertEquals(4, text.sum("coredns_dns_requests_total"));
    assertEquals(1, text.sum("coredns_dns_requests_total", Map.of("proto", "tcp")));
    assertEquals(7, text.sum("corvus_plain"));
    assertEquals(0, text.sum("corvus_absent"));
  }

  @Test
  void unescapesLabelValuesAndReadsSpecialValues() {
    MetricsText.Sample odd = MetricsText.parse(TEXT).samples("corvus_odd").get(0);
    assertEquals("a \"quoted\" \\ line\nbreak", odd.labels().get("text"));
    assertEquals(Double.POSITIVE_INFINITY, odd.value());
  }

  @Test
  void rejectsUnquotedLabelValues() {
    assertThrows(IllegalArgumentException.class, () -> MetricsText.parse("corvus_bad{a=b} 1\n"));
  }
}
