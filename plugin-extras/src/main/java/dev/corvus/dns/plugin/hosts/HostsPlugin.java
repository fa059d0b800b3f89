package dev.corvus.dns.plugin.hosts;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code hosts} directive: its handler and the periodic reread of the hosts file. */
final class HostsPlugin implements Plugin {

  private static final Logger log = LoggerFactory.getLogger(HostsPlugin.class);

  private final HostsConfig config;
  private final HostsFile file;
  private final HostsHandler handler;
  private final PluginContext context;
  private final Gauge entries;
  private final Gauge reloadTimestamp;
  private ScheduledFuture<?> reloads;

  HostsPlugin(HostsConfig config, HostsFile file, PluginContext context) {
    this.config = config;
    this.file = file;
    this.handler = new HostsHandler(config, file);
    this.context = context;
    this.entries = context.metrics().gauge(
        "coredns_hosts_entries", "The combined number of entries in hosts and Corefile.", "hostsfile");
    this.reloadTimestamp = context.metrics().gauge(
        "coredns_hosts_reload_timestamp_seconds", "The timestamp of the last reload of hosts file.");
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    refresh();
    publishEntries();
    long millis = config.reload().toMillis();
    if (millis > 0) {
      // rereading a file is I/O: it runs on the scheduler, never on a query's I/O thread
      reloads = context.scheduler().scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    }
    return STARTED;
  }

  /** Rereads the file if it changed; the scheduler runs it every reload interval. */
  void refresh() {
    try {
      if (file.refresh()) {
        publishEntries();
        reloadTimestamp.set(context.clock().millis() / 1000.0);
        log.debug("hosts: reloaded {} ({} entries)", file.path(), file.table().entries());
      }
    } catch (HostsTable.MalformedLineException e) {
      log.error("hosts: keeping the previous content of {}: {}", file.path(), e.getMessage());
    } catch (java.io.IOException | RuntimeException e) {
      log.error("hosts: cannot read {}: {}", file.path(), e.toString());
    }
  }

  private void publishEntries() {
    entries.labels(file.path().toString()).set(file.table().entries() + config.inline().entries());
  }

  @Override
  public void stop() {
    if (reloads != null) {
      reloads.cancel(false);
    }
  }
}
