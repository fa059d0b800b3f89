package dev.corvus.dns.plugin.kubernetes;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link SearchPathTrackerBenchmark} on demand only: {@code mvn -o -q -pl plugin-kubernetes verify
 * -Dcorvus.bench=true -Dtest=SearchPathTrackerBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 * Results go to the test's output file.
 */
@EnabledIfSystemProperty(named = "corvus.bench", matches = "true")
class SearchPathTrackerBenchmarkTest {

  @Test
  void jmh() throws Exception {
    // Forks, warm-up and measurement are the benchmark's own annotations.
    Runner runner = new Runner(new OptionsBuilder().include(SearchPathTrackerBenchmark.class.getName()).build());
    for (RunResult result : runner.run()) {
      System.out.printf(Locale.ROOT, "%-80s %10.1f ± %.1f ns/op%n", result.getParams().getBenchmark(),
          result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError());
    }
  }
}
