package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/** A plugin context for handler tests: in-memory metrics and a real scheduler. */
final class TestPluginContext implements PluginContext, AutoCloseable {

  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
    Thread t = new Thread(r, "test-scheduler");
    t.setDaemon(true);
    return t;
  });

  InMemoryMetrics inMemoryMetrics() {
    return metrics;
  }

  @Override
  public Metrics metrics() {
    return metrics;
  }

  @Override
  public Readiness readiness() {
    throw new UnsupportedOperationException("not used by forward");
  }

  @Override
  public ServiceRegistry services() {
    throw new UnsupportedOperationException("not used by forward");
  }

  @Override
  public Resolver resolver() {
    throw new UnsupportedOperationException("not used by forward");
  }

  @Override
  public HttpEndpoints http() {
    throw new UnsupportedOperationException("not used by forward");
  }

  @Override
  public ServerControl server() {
    throw new UnsupportedOperationException("not used by forward");
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public String serverLabel() {
    return "dns://:53";
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** Values keyed by {@code name{label values}}. */
  static final class InMemoryMetrics implements Metrics {
    private final Map<String, DoubleAdder> values = new ConcurrentHashMap<>();

    /** The value of {@code name} with the given label values (0 when never touched). */
    double value(String name, String... labelValues) {
      DoubleAdder adder = values.get(key(name, labelValues));
      return adder == null ? 0 : adder.sum();
    }

    private static String key(String name, String... labelValues) {
      return name + List.of(labelValues);
    }

    private DoubleAdder adder(String name, String... labelValues) {
      return values.computeIfAbsent(key(name, labelValues), k -> new DoubleAdder());
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
      return labelValues -> new Counter.Child() {
        @Override
        public void inc(double amount) {
          adder(name, labelValues).add(amount);
        }

        @Override
        public double get() {
          return value(name, labelValues);
        }
      };
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
      return labelValues -> new Gauge.Child() {
        @Override
        public synchronized void set(double value) {
          DoubleAdder adder = adder(name, labelValues);
          adder.reset();
          adder.add(value);
        }

        @Override
        public void inc(double delta) {
          adder(name, labelValues).add(delta);
        }

        @Override
        public double get() {
          return value(name, labelValues);
        }
      };
    }

    @Override
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
      return labelValues -> value -> adder(name + "_count", labelValues).add(1);
    }

    @Override
    public void gaugeFunction(String name, String help, List<String> labelNames, Supplier<List<Sample>> samples) {}

    @Override
    public void writeText(OutputStream out) {}
  }
}
