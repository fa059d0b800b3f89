package dev.corvus.dns.plugin.route53;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.util.LinkedHashMap;
import java.util.List;
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
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The {@code route53} directive: hosted zones listed through the AWS SDK on a thread of the
 * plugin's own every {@code refresh}, answered from memory. The server starts serving once every
 * hosted zone was listed, or after {@link #STARTUP_WAIT_SECONDS} without it (then the zones
 * answer SERVFAIL until the listing succeeds, and {@code ready} reports {@code route53} not
 * ready). CoreDNS instead refuses to start when the first listing fails.
 */
final class Route53Plugin implements Plugin {

  static final long STARTUP_WAIT_SECONDS = 5;

  private final Route53Config config;
  private final PluginContext context;
  private final Function<Route53Config, Route53Client> clients;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> zones = new LinkedHashMap<>();
  private final Route53Handler handler;
  private volatile boolean ready;
  private ScheduledExecutorService thread;
  private Route53Client client;

  Route53Plugin(Route53Config config, PluginContext context, Function<Route53Config, Route53Client> clients) {
    this.config = config;
    this.context = context;
    this.clients = clients;
    config.zones().forEach((zone, ids) -> zones.put(zone, new AtomicReferenceArray<>(ids.size())));
    this.handler = new Route53Handler(config, zones);
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "route53";
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
    // The SDK finds its interceptors and HTTP client through the context class loader: make it
    // the plugin's own (plugins/route53/ has a class loader of its own), not the server's.
    ClassLoader own = Route53Plugin.class.getClassLoader();
    Thread current = Thread.currentThread();
    ClassLoader previous = current.getContextClassLoader();
    current.setContextClassLoader(own);
    try {
      client = clients.apply(config);
    } finally {
      current.setContextClassLoader(previous);
    }
    thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "route53-refresh " + config.zones().keySet());
      t.setDaemon(true);
      t.setContextClassLoader(own);
      return t;
    });
    ZoneSync sync = new ZoneSync(config, client, zones);
    sync.firstLoad().thenRun(() -> {
      handler.loaded();
      ready = true;
    });
    long period = config.refresh().toNanos();
    thread.scheduleWithFixedDelay(sync::refresh, 0, period, TimeUnit.NANOSECONDS);
    CompletableFuture<Void> started = new CompletableFuture<>();
    sync.firstLoad().thenRun(() -> started.complete(null));
    context.scheduler().schedule(() -> started.complete(null), STARTUP_WAIT_SECONDS, TimeUnit.SECONDS);
    return started;
  }

  @Override
  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
      client.close();
    }
  }

  /** The hosted zones in the order their records are asked, for tests. */
  List<Name> zoneNames() {
    return List.copyOf(zones.keySet());
  }
}
