package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link PluginContext} for handler-level tests: in-memory metrics and services, a real
 * single-thread scheduler (close it), and a settable clock. Resolver, HTTP and server control are
 * not available.
 */
public final class TestPluginContext implements PluginContext, AutoCloseable {

  private final TestMetrics metrics = new TestMetrics();
  private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "test-scheduler");
            t.setDaemon(true);
            return t;
          });
  private final Clock clock;

  /** A context with the system clock. */
  public TestPluginContext() {
    this(Clock.systemUTC());
  }

  /** A context with {@code clock}. */
  public TestPluginContext(Clock clock) {
    this.clock = clock;
  }

  @Override
  public TestMetrics metrics() {
    return metrics;
  }

  @Override
  public Readiness readiness() {
    return new Readiness() {
      @Override
      public void register(ReadinessProvider provider) {}

      @Override
      public List<String> notReady() {
        return List.of();
      }
    };
  }

  @Override
  public ServiceRegistry services() {
    return new ServiceRegistry() {
      @Override
      public <T> void export(Class<T> type, T service) {
        services.put(type, service);
      }

      @Override
      public <T> Optional<T> lookup(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
      }
    };
  }

  @Override
  public Resolver resolver() {
    throw new UnsupportedOperationException("no resolver in handler-level tests");
  }

  @Override
  public HttpEndpoints http() {
    throw new UnsupportedOperationException("no HTTP in handler-level tests");
  }

  @Override
  public ServerControl server() {
    throw new UnsupportedOperationException("no server in handler-level tests");
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public String serverLabel() {
    return "dns://:53";
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
