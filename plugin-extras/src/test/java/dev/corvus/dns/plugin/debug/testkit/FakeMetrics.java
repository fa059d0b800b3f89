package dev.corvus.dns.plugin.debug.testkit;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/** An in-memory {@link Metrics} for handler tests, with values readable by name and labels. */
public final class FakeMetrics implements Metrics {

  private record Family(String kind, String help, List<String> labels, double[] buckets,
      Map<List<String>, Object> children) {}

  private final Map<String, Family> families = new ConcurrentHashMap<>();
  private final Map<String, Supplier<List<Sample>>> functions = new ConcurrentHashMap<>();

  /** A histogram child's observations. */
  public static final class Observations implements Histogram.Child {
    private final double[] buckets;
    private final long[] counts;
    private final DoubleAdder sum = new DoubleAdder();
    private long count;

    Observations(double[] buckets) {
      this.buckets = buckets;
      this.counts = new long[buckets.length];
    }

    @Override
    public synchronized void observe(double value) {
      for (int i = 0; i < buckets.length; i++) {
        if (value <= buckets[i]) {
          counts[i]++;
        }
      }
      count++;
      sum.add(value);
    }

    public synchronized long count() {
      return count;
    }

    public double sum() {
      return sum.sum();
    }
  }

  private static final class Value implements Counter.Child, Gauge.Child {
    private final DoubleAdder value = new DoubleAdder();

    @Override
    public void inc(double amount) {
      value.add(amount);
    }

    @Override
    public void set(double v) {
      synchronized (this) {
        value.reset();
        value.add(v);
      }
    }

    @Override
    public double get() {
      return value.sum();
    }
  }

  private Family family(String name, String kind, String help, double[] buckets, String... labels) {
    Family f = families.computeIfAbsent(name,
        n -> new Family(kind, help, List.of(labels), buckets, new ConcurrentHashMap<>()));
    if (!f.kind().equals(kind) || !f.labels().equals(List.of(labels))) {
      throw new IllegalArgumentException(name + " is already registered differently");
    }
    return f;
  }

  private static List<String> key(Family f, String... values) {
    if (values.length != f.labels().size()) {
      throw new IllegalArgumentException("expected labels " + f.labels() + ", got " + Arrays.toString(values));
    }
    return List.of(values);
  }

  @Override
  public Counter counter(String name, String help, String... labelNames) {
    Family f = family(name, "counter", help, null, labelNames);
    return values -> (Counter.Child) f.children().computeIfAbsent(key(f, values), k -> new Value());
  }

  @Override
  public Gauge gauge(String name, String help, String... labelNames) {
    Family f = family(name, "gauge", help, null, labelNames);
    return values -> (Gauge.Child) f.children().computeIfAbsent(key(f, values), k -> new Value());
  }

  @Override
  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    Family f = family(name, "histogram", help, buckets, labelNames);
    return values -> (Histogram.Child) f.children().computeIfAbsent(key(f, values), k -> new Observations(buckets));
  }

  @Override
  public void gaugeFunction(String name, String help, List<String> labelNames, Supplier<List<Sample>> samples) {
    family(name, "gaugefunction", help, null, labelNames.toArray(String[]::new));
    functions.put(name, samples);
  }

  /** A counter's or gauge's value, 0 when never touched. */
  public double value(String name, String... labels) {
    Family f = families.get(name);
    if (f == null) {
      return 0;
    }
    if (f.kind().equals("gaugefunction")) {
      for (Sample s : functions.get(name).get()) {
        if (s.labelValues().equals(List.of(labels))) {
          return s.value();
        }
      }
      return 0;
    }
    Object child = f.children().get(List.of(labels));
    return child == null ? 0 : ((Value) child).get();
  }

  /** A histogram's observations, or {@code null}. */
  public Observations histogram(String name, String... labels) {
    Family f = families.get(name);
    return f == null ? null : (Observations) f.children().get(List.of(labels));
  }

  /** The label values of every child of {@code name}. */
  public List<List<String>> children(String name) {
    Family f = families.get(name);
    if (f == null) {
      return List.of();
    }
    if (f.kind().equals("gaugefunction")) {
      return functions.get(name).get().stream().map(Sample::labelValues).toList();
    }
    return new ArrayList<>(f.children().keySet());
  }

  @Override
  public void writeText(OutputStream out) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Family> e : families.entrySet()) {
      b.append("# TYPE ").append(e.getKey()).append(' ')
          .append(e.getValue().kind().equals("gaugefunction") ? "gauge" : e.getValue().kind()).append('\n');
      for (List<String> labels : children(e.getKey())) {
        if (!e.getValue().kind().equals("histogram")) {
          b.append(e.getKey()).append(labelText(e.getValue().labels(), labels)).append(' ')
              .append(value(e.getKey(), labels.toArray(String[]::new))).append('\n');
        }
      }
    }
    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String labelText(List<String> names, List<String> values) {
    if (names.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? "" : ",").append(names.get(i)).append("=\"").append(values.get(i)).append('"');
    }
    return b.append('}').toString();
  }
}
