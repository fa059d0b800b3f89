package dev.corvus.dns.server.metrics;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@link Metrics} on the Prometheus Java client, with one registry per server (no global state),
 * so servers can run side by side in one JVM. Counters and histograms keep no exemplars: the text
 * format served has no place for them, and sampling them read the clock on every observation (a
 * third of the cost of the three histograms each query updates).
 */
public final class PrometheusMetrics implements Metrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<String, Registered> metrics = new ConcurrentHashMap<>();
  private boolean jvmMetricsPending;

  private record Registered(String kind, List<String> labelNames, Object metric) {}

  /**
   * A registry that adds the JVM and process metrics at its first scrape: setting them up reads
   * the JVM's management beans, 6 % of the CPU a server spends until it is ready, which a server
   * that is never scraped need not spend and one that is scraped spends after start-up.
   */
  public static PrometheusMetrics withJvmMetrics() {
    return new PrometheusMetrics(true);
  }

  /** An empty registry. */
  public PrometheusMetrics() {
    this(false);
  }

  private PrometheusMetrics(boolean jvmMetrics) {
    this.jvmMetricsPending = jvmMetrics;
  }

  @Override
  public Counter counter(String name, String help, String... labelNames) {
    io.prometheus.metrics.core.metrics.Counter counter =
        register(name, "counter", labelNames, () -> io.prometheus.metrics.core.metrics.Counter.builder()
            .name(name).help(help).labelNames(labelNames).withoutExemplars().register(registry));
    Children<Counter.Child> children = new Children<>(values -> {
      io.prometheus.metrics.core.datapoints.CounterDataPoint point = counter.labelValues(values);
      return new Counter.Child() {
        @Override
        public void inc(double amount) {
          point.inc(amount);
        }

        @Override
        public double get() {
          return point.get();
        }
      };
    });
    return children::get;
  }

  @Override
  public Gauge gauge(String name, String help, String... labelNames) {
    if (name.endsWith("_info")) {
      return info(name, help, labelNames).asGauge();
    }
    io.prometheus.metrics.core.metrics.Gauge gauge =
        register(name, "gauge", labelNames, () -> io.prometheus.metrics.core.metrics.Gauge.builder()
            .name(name).help(help).labelNames(labelNames).register(registry));
    Children<Gauge.Child> children = new Children<>(values -> {
      io.prometheus.metrics.core.datapoints.GaugeDataPoint point = gauge.labelValues(values);
      return new Gauge.Child() {
        @Override
        public void set(double value) {
          point.set(value);
        }

        @Override
        public void inc(double delta) {
          point.inc(delta);
        }

        @Override
        public double get() {
          return point.get();
        }
      };
    });
    return children::get;
  }

  @Override
  public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
    double[] bounds = buckets.stream().mapToDouble(Double::doubleValue).toArray();
    io.prometheus.metrics.core.metrics.Histogram histogram =
        register(name, "histogram", labelNames, () -> io.prometheus.metrics.core.metrics.Histogram.builder()
            .name(name).help(help).labelNames(labelNames).classicOnly()
            .classicUpperBounds(bounds).withoutExemplars().register(registry));
    Children<Histogram.Child> children = new Children<>(values -> histogram.labelValues(values)::observe);
    return children::get;
  }

  /**
   * The children of one metric, made once per label-value combination: a caller that asks for
   * the same labels on every query gets the same child, without a new wrapper each time. Looked
   * up through one map per label (the first value's, then the second's...), so a lookup allocates
   * no key.
   */
  private static final class Children<C> {
    private final java.util.function.Function<String[], C> create;
    /** Values of the first label to children (one label) or to the map of the second label. */
    private final ConcurrentHashMap<String, Object> byFirst = new ConcurrentHashMap<>();
    private volatile C unlabelled;

    Children(java.util.function.Function<String[], C> create) {
      this.create = create;
    }

    @SuppressWarnings("unchecked")
    C get(String... values) {
      if (values.length == 0) {
        C child = unlabelled;
        if (child == null) {
          child = create.apply(values);
          unlabelled = child;
        }
        return child;
      }
      ConcurrentHashMap<String, Object> level = byFirst;
      int last = values.length - 1;
      for (int i = 0; i < last; i++) {
        Object next = level.get(values[i]);
        if (next == null) {
          next = level.computeIfAbsent(values[i], k -> new ConcurrentHashMap<String, Object>());
        }
        level = (ConcurrentHashMap<String, Object>) next;
      }
      Object child = level.get(values[last]);
      if (child == null) {
        String[] copy = values.clone();
        child = level.computeIfAbsent(copy[last], k -> create.apply(copy));
      }
      return (C) child;
    }
  }

  @Override
  public void gaugeFunction(
      String name, String help, List<String> labelNames, Supplier<List<Sample>> samples) {
    String[] labels = labelNames.toArray(String[]::new);
    if (name.endsWith("_info")) {
      info(name, help, labels).compute(samples);
      return;
    }
    @SuppressWarnings("unchecked")
    AtomicReference<Supplier<List<Sample>>> current =
        register(name, "gaugeFunction", labels, () -> {
          AtomicReference<Supplier<List<Sample>>> holder = new AtomicReference<>();
          GaugeWithCallback.builder()
              .name(name)
              .help(help)
              .labelNames(labels)
              .callback(callback -> {
                for (Sample sample : holder.get().get()) {
                  callback.call(sample.value(), sample.labelValues().toArray(String[]::new));
                }
              })
              .register(registry);
          return holder;
        });
    current.set(samples);
  }

  private InfoMetric info(String name, String help, String[] labelNames) {
    return register(name, "info", labelNames, () -> {
      InfoMetric info = new InfoMetric(name, help, labelNames);
      registry.register(info);
      return info;
    });
  }

  @Override
  public void writeText(OutputStream out) throws IOException {
    registerJvmMetricsOnce();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  private synchronized void registerJvmMetricsOnce() {
    if (jvmMetricsPending) {
      JvmMetrics.builder().register(registry);
      jvmMetricsPending = false;
    }
  }

  /**
   * The value of a counter, gauge or computed gauge sample, for tests and diagnostics; 0 when
   * absent.
   */
  public double value(String name, String... labelValues) {
    Registered registered = metrics.get(name);
    if (registered == null) {
      return 0;
    }
    Object metric = registered.metric();
    if (metric instanceof io.prometheus.metrics.core.metrics.Counter counter) {
      return counter.labelValues(labelValues).get();
    }
    if (metric instanceof io.prometheus.metrics.core.metrics.Gauge gauge) {
      return gauge.labelValues(labelValues).get();
    }
    if (metric instanceof AtomicReference<?> computed) {
      @SuppressWarnings("unchecked")
      Supplier<List<Sample>> samples = (Supplier<List<Sample>>) computed.get();
      List<String> wanted = Arrays.asList(labelValues);
      return samples.get().stream().filter(s -> s.labelValues().equals(wanted))
          .mapToDouble(Sample::value).sum();
    }
    throw new IllegalArgumentException(name + " is a " + registered.kind());
  }

  @SuppressWarnings("unchecked")
  private <T> T register(String name, String kind, String[] labelNames, Supplier<T> create) {
    List<String> labels = Arrays.asList(labelNames);
    Registered registered =
        metrics.computeIfAbsent(name, n -> new Registered(kind, labels, create.get()));
    if (!registered.kind().equals(kind) || !registered.labelNames().equals(labels)) {
      throw new IllegalArgumentException(
          "metric " + name + " is already registered as a " + registered.kind() + " with labels "
              + registered.labelNames() + ", not as a " + kind + " with labels " + labels);
    }
    return (T) registered.metric();
  }

}
