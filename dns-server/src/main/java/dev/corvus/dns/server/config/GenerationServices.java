package dev.corvus.dns.server.config;

import dev.corvus.dns.api.plugin.Inspector;
import dev.corvus.dns.api.plugin.Inspectors;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * What belongs to one configuration (one load or reload): its readiness providers and the
 * services its plugins export. Replaced as a whole when a reload succeeds.
 */
public final class GenerationServices {

  private final List<ReadinessProvider> providers = new CopyOnWriteArrayList<>();
  private final List<Inspector> inspectors = new CopyOnWriteArrayList<>();
  private volatile boolean serving;
  private final AtomicReference<Runnable> whenReady = new AtomicReference<>();
  private final Map<Class<?>, Object> global = new HashMap<>();
  private final Map<Integer, Map<Class<?>, Object>> perBlock = new HashMap<>();
  private final Map<Integer, Map<Class<?>, List<Object>>> allPerBlock = new HashMap<>();

  /** The readiness view of this generation; {@code shuttingDown} adds "shutdown" when true. */
  public Readiness readiness(BooleanSupplier shuttingDown) {
    return new Readiness() {
      @Override
      public void register(ReadinessProvider provider) {
        providers.add(provider);
      }

      @Override
      public List<String> notReady() {
        List<String> waiting = new ArrayList<>();
        for (ReadinessProvider provider : providers) {
          boolean ready;
          try {
            ready = provider.isReady();
          } catch (RuntimeException e) {
            ready = false;
          }
          if (!ready) {
            waiting.add(provider.name());
          }
        }
        if (!serving) {
          waiting.add("listeners");
        }
        if (shuttingDown.getAsBoolean()) {
          waiting.add("shutdown");
        }
        Runnable task = waiting.isEmpty() ? whenReady.getAndSet(null) : null;
        if (task != null) {
          task.run();
        }
        return waiting;
      }
    };
  }

  /**
   * Marks the configuration as served by bound listeners: until then readiness reports {@code
   * listeners}, so no probe says ready before queries can be answered.
   */
  public void markServing() {
    serving = true;
  }

  /**
   * Runs {@code task} once, in the first readiness check that finds everything ready, before that
   * check answers (a check running at the same time may answer ready first).
   */
  public void runWhenReady(Runnable task) {
    whenReady.set(task);
  }

  /** The service registry as the plugins of server block {@code blockIndex} see it. */
  public ServiceRegistry services(int blockIndex) {
    return new ServiceRegistry() {
      @Override
      public <T> void export(Class<T> type, T service) {
        synchronized (GenerationServices.this) {
          perBlock.computeIfAbsent(blockIndex, b -> new HashMap<>()).put(type, service);
          allPerBlock.computeIfAbsent(blockIndex, b -> new HashMap<>())
              .computeIfAbsent(type, t -> new ArrayList<>()).add(service);
          global.putIfAbsent(type, service);
        }
      }

      @Override
      public <T> List<T> lookupAll(Class<T> type) {
        synchronized (GenerationServices.this) {
          return allPerBlock.getOrDefault(blockIndex, Map.of()).getOrDefault(type, List.of()).stream()
              .map(type::cast)
              .toList();
        }
      }

      @Override
      public <T> Optional<T> lookup(Class<T> type) {
        synchronized (GenerationServices.this) {
          Object local = perBlock.getOrDefault(blockIndex, Map.of()).get(type);
          return Optional.ofNullable(type.cast(local != null ? local : global.get(type)));
        }
      }
    };
  }

  /** Where this configuration's plugins register their inspectors. */
  public Inspectors inspectors() {
    return inspectors::add;
  }

  /** The inspectors registered so far, in registration order. */
  public List<Inspector> registeredInspectors() {
    return List.copyOf(inspectors);
  }
}
