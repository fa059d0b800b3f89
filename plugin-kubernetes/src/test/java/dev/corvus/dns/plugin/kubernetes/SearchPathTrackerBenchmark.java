package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.server.metrics.PrometheusMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of recording a search-path expansion on a full offender table: a pair already
 * tracked, and a client asking for a new name every time (a crawler behind ndots:5), which makes
 * room for itself on each query. Run on demand through {@link SearchPathTrackerBenchmarkTest}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SearchPathTrackerBenchmark {

  private static final int NAMES = 1 << 16;

  private SearchPathTracker tracker;
  private String[] names;
  private int next;

  /** A table filled to its default capacity, and more distinct names than it holds. */
  @Setup
  public void fill() {
    tracker = new SearchPathTracker(new PrometheusMetrics(), SearchPathTracker.DEFAULT_CAPACITY);
    for (int i = 0; i < SearchPathTracker.DEFAULT_CAPACITY; i++) {
      tracker.record("team-a", "service-" + i + ".example.com");
    }
    names = new String[NAMES];
    for (int i = 0; i < NAMES; i++) {
      names[i] = "page-" + i + ".example.com";
    }
  }

  @Benchmark
  public void trackedName() {
    tracker.record("team-a", "service-7.example.com");
  }

  @Benchmark
  public void newNameEveryTime() {
    tracker.record("crawler", names[next++ & (NAMES - 1)]);
  }
}
