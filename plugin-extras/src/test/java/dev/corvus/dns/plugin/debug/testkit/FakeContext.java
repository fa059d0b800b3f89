package dev.corvus.dns.plugin.debug.testkit;

import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** A {@link PluginContext} for handler and plugin tests; close it to stop its scheduler. */
public final class FakeContext implements PluginContext, AutoCloseable {

  public final FakeMetrics metrics = new FakeMetrics();
  public final List<ReadinessProvider> providers = new CopyOnWriteArrayList<>();
  public volatile boolean shuttingDown;
  public final Map<Class<?>, Object> services = new ConcurrentHashMap<>();
  /** Routes served, by address and path. */
  public final Map<String, HttpEndpoints.Route> routes = new ConcurrentHashMap<>();
  public volatile Resolver resolver = query -> CompletableFuture.failedFuture(new IllegalStateException("no resolver"));
  public volatile List<Path> configFiles = List.of();
  public volatile String configHash = "";
  public volatile Supplier<CompletionStage<Void>> reload = () -> CompletableFuture.completedFuture(null);
  public final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

  @Override
  public FakeMetrics metrics() {
    return metrics;
  }

  @Override
  public Readiness readiness() {
    return new Readiness() {
      @Override
      public void register(ReadinessProvider provider) {
        providers.add(provider);
      }

      @Override
      public List<String> notReady() {
        List<String> names = new ArrayList<>();
        for (ReadinessProvider p : providers) {
          if (!p.isReady()) {
            names.add(p.name());
          }
        }
        if (shuttingDown) {
          names.add("shutdown");
        }
        return names;
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
    return query -> resolver.resolve(query);
  }

  @Override
  public HttpEndpoints http() {
    return (address, path, route) -> {
      String key = key(address, path);
      routes.put(key, route);
      return new HttpEndpoints.Endpoint() {
        @Override
        public InetSocketAddress boundAddress() {
          return address;
        }

        @Override
        public void close() {
          routes.remove(key, route);
        }
      };
    };
  }

  /** The route served at {@code address} and {@code path}, or {@code null}. */
  public HttpEndpoints.Route route(InetSocketAddress address, String path) {
    return routes.get(key(address, path));
  }

  private static String key(InetSocketAddress address, String path) {
    return address + path;
  }

  @Override
  public ServerControl server() {
    return new ServerControl() {
      @Override
      public ConfigSource configSource() {
        return new ConfigSource(configFiles, configHash);
      }

      @Override
      public CompletionStage<Void> reload() {
        return reload.get();
      }
    };
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
}
