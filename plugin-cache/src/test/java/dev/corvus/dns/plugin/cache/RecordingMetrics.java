package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/** An in-memory {@link Metrics} for handler tests: remembers label names and values. */
final class RecordingMetrics implements Metrics {

  private final Map<String, List<String>> labelNames = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder> values = new ConcurrentHashMap<>();

  /** The value of {@code name} with {@code labelValues}, 0 when never touched. */
  double value(String name, String... labelValues) {
    DoubleAdder adder = values.get(name + Arrays.asList(labelValues));
    return adder == null ? 0 : adder.sum();
  }

  List<String> labelNames(String name) {
    return labelNames.get(name);
  }

  private DoubleAdder cell(String name, String[] labelValues) {
    return values.computeIfAbsent(name + Arrays.asList(labelValues), k -> new DoubleAdder());
  }

  private void register(String name, String[] names) {
    List<String> previous = labelNames.putIfAbsent(name, List.of(names));
    if (previous != null && !previous.equals(List.of(names))) {
      throw new IllegalArgumentException(name + " registered with other labels");
    }
  }

  @Override
  public Counter counter(String name, String help, String... names) {
    register(name, names);
    return new Counter() {
      @Override
      public Counter.Child labels(String... labelValues) {
        DoubleAdder adder = cell(name, labelValues);
        return new Counter.Child() {
          @Override
          public void inc(double amount) {
            adder.add(amount);
          }

          @Override
          public double get() {
            return adder.sum();
          }
        };
      }

      // Without @Override: implements remove() on dns-api versions that declare it.
      public void remove(String... labelValues) {
        values.remove(name + Arrays.asList(labelValues));
      }
    };
  }

  @Override
  public Gauge gauge(String name, String help, String... names) {
    register(name, names);
    return new Gauge() {
      @Override
      public Gauge.Child labels(String... labelValues) {
        DoubleAdder adder = cell(name, labelValues);
        return new Gauge.Child() {
          @Override
          public synchronized void set(double value) {
            adder.reset();
            adder.add(value);
          }

          @Override
          public void inc(double delta) {
            adder.add(delta);
          }

          @Override
          public double get() {
            return adder.sum();
          }
        };
      }

      // Without @Override: implements remove() on dns-api versions that declare it.
      public void remove(String... labelValues) {
        values.remove(name + Arrays.asList(labelValues));
      }
    };
  }

  @Override
  public Histogram histogram(String name, String help, double[] buckets, String... names) {
    register(name, names);
    return new Histogram() {
      @Override
      public Histogram.Child labels(String... labelValues) {
        DoubleAdder adder = cell(name, labelValues);
        return adder::add;
      }

      // Without @Override: implements remove() on dns-api versions that declare it.
      public void remove(String... labelValues) {
        values.remove(name + Arrays.asList(labelValues));
      }
    };
  }

  @Override
  public void gaugeFunction(String name, String help, List<String> names, Supplier<List<Sample>> samples) {
    labelNames.put(name, List.copyOf(names));
  }

  @Override
  public void writeText(OutputStream out) {
    throw new UnsupportedOperationException("handler tests read values directly");
  }
}
