package dev.corvus.dns.plugin.testing;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * This module's JMH benchmarks of per-query work ({@code AclCheckBenchmark}, {@code
 * LogLineBenchmark}) on demand only, with JMH's GC profiler for the bytes allocated per query:
 * {@code mvn -o -q -pl plugin-extras -am test -Dfuzz.skip=true -Dcorvus.bench=true
 * -Dtest=HotPathBenchmarksTest -Dsurefire.failIfNoSpecifiedTests=false}. Results go to the
 * test's output file.
 */
@EnabledIfSystemProperty(named = "corvus.bench", matches = "true")
class HotPathBenchmarksTest {

  @Test
  void jmh() throws Exception {
    // Forks, warm-up and measurement are the benchmarks' own annotations.
    Runner runner = new Runner(new OptionsBuilder()
        .include("dev\\.corvus\\.dns\\.plugin\\.(acl\\.AclCheckBenchmark|log\\.LogLineBenchmark)\\.")
        .addProfiler(GCProfiler.class)
        .build());
    for (RunResult result : runner.run()) {
      Result<?> bytes = result.getSecondaryResults().get("gc.alloc.rate.norm");
      System.out.printf(Locale.ROOT, "%-70s %8.1f ± %.1f ns/op %8.1f B/op%n", result.getParams().getBenchmark(),
          result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError(),
          bytes == null ? Double.NaN : bytes.getScore());
    }
  }
}
