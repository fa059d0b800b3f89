package dev.corvus.dns.plugin.etcd;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;

/**
 * The {@code etcd} directive: the in-memory view, the watch that keeps it current and the handler
 * answering from it. The server starts serving once the first read of etcd completed, or after
 * {@link #STARTUP_WAIT_SECONDS} without it (then the zones answer SERVFAIL until the read
 * succeeds, and {@code ready} reports {@code etcd} not ready).
 */
final class EtcdPlugin implements Plugin {

  static final long STARTUP_WAIT_SECONDS = 5;

  private final EtcdConfig config;
  private final PluginContext context;
  private final RecordView view = new RecordView();
  private final EtcdHandler handler;
  private final Gauge keys;
  /** The key prefix, cleaned once. */
  private final String root;
  private volatile EtcdSync sync;

  EtcdPlugin(EtcdConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.root = SkyDnsPath.root(config.path());
    this.handler = new EtcdHandler(config, view, this::services, context.clock());
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "etcd";
      }

      @Override
      public boolean isReady() {
        return view.loaded();
      }
    });
    this.keys = context.metrics().gauge("corvus_etcd_keys", "Keys in the etcd plugin's in-memory view.", "server");
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  private List<SkyDnsService> services(Name name, boolean exact, int qtype) {
    EtcdSync current = sync;
    List<SkyDnsService> found = view.records(name, root, exact, qtype, node -> servedTtl(current, node));
    return found == null ? null : SkyDnsGroups.select(found);
  }

  /** CoreDNS's TTL: the smaller of the message's and the lease's, whichever is set; else 300. */
  private static long servedTtl(EtcdSync sync, RecordView.Node node) {
    long own = node.service().ttl();
    long lease = sync == null ? 0 : sync.leaseTtl(node.lease());
    if (lease == 0) {
      return own == 0 ? EtcdConfig.DEFAULT_TTL : own;
    }
    return own == 0 ? lease : Math.min(own, lease);
  }

  @Override
  public CompletionStage<Void> start() throws Exception {
    handler.resolver(context.resolver());
    EtcdSync started = new EtcdSync(config, view, context.scheduler(), context.ticker(),
        () -> keys.labels(context.serverLabel()).set(view.size()));
    sync = started;
    started.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    started.firstLoad().whenComplete((done, failure) -> ready.complete(null));
    context.scheduler().schedule(() -> ready.complete(null), STARTUP_WAIT_SECONDS, TimeUnit.SECONDS);
    return ready;
  }

  @Override
  public void stop() {
    EtcdSync current = sync;
    if (current != null) {
      current.close();
    }
  }
}
