package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** In-memory metrics: counters and gauges keyed by name and label values, for assertions. */
public final class TestMetrics implements Metrics {

  private final Map<String, Double> values = new ConcurrentHashMap<>();

  /** The value of {@code name} with {@code labelValues}, 0 when never touched. */
  public double value(String name, String... labelValues) {
    return values.getOrDefault(key(name, labelValues), 0.0);
  }

  private static String key(String name, String... labelValues) {
    return name + List.of(labelValues);
  }

  private final class Cell implements Counter.Child, Gauge.Child, Histogram.Child {
    private final String key;

    Cell(String key) {
      this.key = key;
    }

    @Override
    public void inc(double amount) {
      values.merge(key, amount, Double::sum);
    }

    @Override
    public void set(double value) {
      values.put(key, value);
    }

    @Override
    public void observe(double value) {
      values.merge(key, 1.0, Double::sum);
    }

    @Override
    public double get() {
      return values.getOrDefault(key, 0.0);
    }
  }

  @Override
  public Counter counter(String name, String help, String... labelNames) {
    return labelValues -> new Cell(key(name, labelValues));
  }

  @Override
  public Gauge gauge(String name, String help, String... labelNames) {
    return new Gauge() {
      @Override
      public Child labels(String... labelValues) {
        return new Cell(key(name, labelValues));
      }

      // no @Override: Gauge#remove is being added to dns-api; this compiles with and without it
      public void remove(String... labelValues) {
        values.remove(key(name, labelValues));
      }
    };
  }

  @Override
  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    return labelValues -> new Cell(key(name + "_count", labelValues));
  }

  @Override
  public void gaugeFunction(String name, String help, List<String> labelNames, Supplier<List<Sample>> samples) {}

  @Override
  public void writeText(OutputStream out) {}
}
