package dev.corvus.dns.plugin.clouddns;

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
import org.xbill.DNS.Name;

/**
 * The {@code clouddns} directive: managed zones listed through Google's Cloud DNS client on a
 * thread of the plugin's own every minute, answered from memory. The server starts serving once
 * every managed zone was listed, or after {@link #STARTUP_WAIT_SECONDS} without it (then the zones
 * answer SERVFAIL until the listing succeeds, and {@code ready} reports {@code clouddns} not
 * ready). CoreDNS instead refuses to start when the first listing fails.
 */
final class CloudDnsPlugin implements Plugin {

  static final long STARTUP_WAIT_SECONDS = 5;

  private final CloudDnsConfig config;
  private final PluginContext context;
  private final ZoneSync.Clients clients;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> zones = new LinkedHashMap<>();
  private final CloudDnsHandler handler;
  private volatile boolean ready;
  private ScheduledExecutorService thread;

  CloudDnsPlugin(CloudDnsConfig config, PluginContext context) {
    this(config, context, CloudDnsClients::build);
  }

  CloudDnsPlugin(CloudDnsConfig config, PluginContext context, ZoneSync.Clients clients) {
    this.config = config;
    this.context = context;
    this.clients = clients;
    config.zones().forEach((zone, managed) -> zones.put(zone, new AtomicReferenceArray<>(managed.size())));
    this.handler = new CloudDnsHandler(config, zones);
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "clouddns";
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
    // plugins/clouddns/ has a class loader of its own: the client's libraries look up their
    // providers through the context class loader, which on the refresh thread is that one
    ClassLoader own = CloudDnsPlugin.class.getClassLoader();
    thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "clouddns-refresh " + config.zones().keySet());
      t.setDaemon(true);
      t.setContextClassLoader(own);
      return t;
    });
    ZoneSync sync = new ZoneSync(config, clients, zones);
    sync.firstLoad().thenRun(() -> {
      handler.loaded();
      ready = true;
    });
    // the first run builds the client (reads the credentials file) and lists: all on this thread
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
    }
  }

  /** The zones in the order their records are asked, for tests. */
  List<Name> zoneNames() {
    return List.copyOf(zones.keySet());
  }
}
