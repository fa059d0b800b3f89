package dev.corvus.dns.plugin.azure;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.xbill.DNS.Name;

/**
 * The {@code azure} directive: Azure DNS zones listed through the Azure SDK on a thread of the
 * plugin's own every {@code refresh}, answered from memory. The server starts serving once every
 * zone was listed, or after {@link #STARTUP_WAIT_SECONDS} without it (then the zones answer
 * SERVFAIL until the listing succeeds, and {@code ready} reports {@code azure} not ready).
 * CoreDNS instead refuses to start when the first listing fails.
 */
final class AzurePlugin implements Plugin {

  static final long STARTUP_WAIT_SECONDS = 5;

  private final AzureConfig config;
  private final PluginContext context;
  private final Function<AzureConfig, ZoneLister> listers;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> zones = new LinkedHashMap<>();
  private final AzureHandler handler;
  private volatile boolean ready;
  private ScheduledExecutorService thread;

  AzurePlugin(AzureConfig config, PluginContext context, Function<AzureConfig, ZoneLister> listers) {
    this.config = config;
    this.context = context;
    this.listers = listers;
    config.zones().forEach((zone, listed) -> zones.put(zone, new AtomicReferenceArray<>(listed.size())));
    this.handler = new AzureHandler(config, zones);
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "azure";
      }

      @Override
      public boolean isReady() {
        return ready;
      }
    });
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public synchronized CompletionStage<Void> start() {
    handler.resolver(context.resolver());
    if (zones.isEmpty()) {
      handler.loaded();
      ready = true;
      return CompletableFuture.completedFuture(null);
    }
    // The SDK finds its HTTP client, serializers and providers through the context class loader:
    // make it the plugin's own (plugins/azure/ has a class loader of its own), not the server's.
    ClassLoader own = AzurePlugin.class.getClassLoader();
    Thread current = Thread.currentThread();
    ClassLoader previous = current.getContextClassLoader();
    current.setContextClassLoader(own);
    ZoneLister lister;
    try {
      lister = listers.apply(config);
    } finally {
      current.setContextClassLoader(previous);
    }
    thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "azure-refresh " + config.zones().keySet());
      t.setDaemon(true);
      t.setContextClassLoader(own);
      return t;
    });
    ZoneSync sync = new ZoneSync(config, lister, zones);
    sync.firstLoad().thenRun(() -> {
      handler.loaded();
      ready = true;
    });
    thread.scheduleWithFixedDelay(sync::refresh, 0, config.refresh().toNanos(), TimeUnit.NANOSECONDS);
    CompletableFuture<Void> started = new CompletableFuture<>();
    sync.firstLoad().thenRun(() -> started.complete(null));
    context.scheduler().schedule(() -> started.complete(null), STARTUP_WAIT_SECONDS, TimeUnit.SECONDS);
    return started;
  }

  @Override
  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
