package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.metrics.PrometheusMetrics;
import dev.corvus.dns.testkit.MetricsText;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The search-path expansion rule, name by name, and the bounds of its counting. */
class SearchPathRuleTest {

  /** Namespaces team-a and default exist; team-a has the Services web and db. */
  private final SearchPathRule rule =
      new SearchPathRule(
          Set.of("team-a", "default")::contains,
          (ns, name) -> ns.equals("team-a") && Set.of("web", "db").contains(name));

  @ParameterizedTest(name = "{0} -> {1} / {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // first search domain: ORIGINAL.NS.svc with NS an existing namespace
        "api.example.com.team-a.svc, api.example.com, team-a",
        "web.team-b.team-a.svc,      web.team-b,      team-a",
        "a.b.c.d.e.team-a.svc,       a.b.c.d.e,       team-a",
        // second search domain: ORIGINAL.svc, the label before svc not a namespace
        "api.example.com.svc,        api.example.com, -",
        // the zone itself
        "api.example.com,            api.example.com, -",
        "github.com,                 github.com,      -",
      })
  void expansionsAreRecognised(String name, String original, String namespace) {
    assertEquals(new SearchPathRule.Expansion(original, namespace), rule.match(name.split("\\.")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "web.team-a.svc",            // a Service name
    "missing.team-a.svc",        // a missing Service: single-label names are what search lists are for
    "db-9.db.team-a.svc",        // hostname.service of an existing Service
    "_http._tcp.web.team-a.svc", // SRV
    "_http._tcp.nope.team-a.svc",
    "team-a.svc",                // a namespace
    "web.svc",                   // single-label original
    "svc",
    "10-0-0-5.team-a.pod",       // pod names
    "x.y.pod",
    "a.b.c.d.e.f.team-a.svc",    // six labels: asked as is first (ndots:5)
    "a.b.c.d.e.f",
  })
  void namesOfTheSpecificationAreNotExpansions(String name) {
    assertEquals(null, rule.match(name.split("\\.")));
  }

  @Test
  void namespaceLabelsAreBoundedWithOther() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    SearchPathTracker tracker = new SearchPathTracker(metrics, 1000);
    for (int i = 0; i < SearchPathTracker.MAX_NAMESPACES + 50; i++) {
      tracker.record("ns-" + i, "api.example.com");
    }
    tracker.record("ns-0", "api.example.com");
    MetricsText text = scrape(metrics);
    List<MetricsText.Sample> samples = text.samples("corvus_dns_search_path_queries_total");
    assertEquals(SearchPathTracker.MAX_NAMESPACES + 1, samples.size());
    assertEquals(50, text.sum("corvus_dns_search_path_queries_total", Map.of("namespace", "other")));
    assertEquals(2, text.sum("corvus_dns_search_path_queries_total", Map.of("namespace", "ns-0")));
  }

  @Test
  void offendersAreBoundedAndTheHeavyHittersStay() {
    SearchPathTracker tracker = new SearchPathTracker(new PrometheusMetrics(), 10);
    for (int i = 0; i < 100; i++) {
      tracker.record("team-a", "heavy.example.com");
    }
    for (int i = 0; i < 50; i++) {
      tracker.record("team-b", "one-off-" + i + ".example.com");
    }
    assertEquals(10, tracker.tracked());
    SearchPathTracker.Offender top = tracker.top(1).get(0);
    assertEquals(new SearchPathTracker.Offender("team-a", "heavy.example.com", 100), top);
    assertEquals(10, tracker.top(20).size());
  }

  @Test
  void aNewNameEveryTimeKeepsTheHeavyHittersAndTheBound() {
    SearchPathTracker tracker = new SearchPathTracker(new PrometheusMetrics(), 1000);
    for (int i = 0; i < 20_000; i++) {
      tracker.record("crawler", "page-" + i + ".example.com");
      if (i % 20 == 0) {
        tracker.record("team-a", "heavy.example.com");
      }
      if (i % 50 == 0) {
        tracker.record("team-b", "also-heavy.example.com");
      }
      assertTrue(tracker.tracked() <= 1000);
    }
    List<SearchPathTracker.Offender> top = tracker.top(2);
    // Tracked from their first query, before any eviction: their counts are exact.
    assertEquals(new SearchPathTracker.Offender("team-a", "heavy.example.com", 1000), top.get(0));
    assertEquals(new SearchPathTracker.Offender("team-b", "also-heavy.example.com", 400), top.get(1));
    // A one-off tracked late starts from the highest evicted count: an upper bound, never below 1.
    SearchPathTracker.Offender lastOneOff = tracker.top(1000).stream()
        .filter(offender -> offender.name().equals("page-19999.example.com")).findFirst().orElseThrow();
    assertTrue(lastOneOff.count() >= 1 && lastOneOff.count() < 400, lastOneOff.toString());
  }

  private static MetricsText scrape(PrometheusMetrics metrics) {
    return MetricsText.scrape(metrics);
  }
}
