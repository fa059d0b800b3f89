package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The {@code file} directive: its handler and the periodic check of the zone file, which reloads
 * a zone when its SOA serial changed (CoreDNS's {@code reload}).
 */
final class FilePlugin implements Plugin {

  private static final Logger log = LoggerFactory.getLogger(FilePlugin.class);

  private final FileConfig config;
  private final ZoneTable table;
  private final FileHandler handler;
  private final FileZones source;
  private final PluginContext context;
  private ScheduledFuture<?> reloads;

  FilePlugin(FileConfig config, ZoneTable table, FileZones source, PluginContext context) {
    this.config = config;
    this.table = table;
    this.handler = new FileHandler(config.fallthrough(), table, context.resolver());
    this.source = source;
    this.context = context;
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    long millis = config.reload().toMillis();
    if (millis > 0) {
      // parsing a zone file is I/O and CPU: it runs on the scheduler, never on an I/O thread
      reloads = context.scheduler().scheduleWithFixedDelay(this::reloadChanged, millis, millis, TimeUnit.MILLISECONDS);
    }
    return STARTED;
  }

  /** Reloads each zone whose serial differs from the one served. */
  void reloadChanged() {
    List<Name> origins = config.zones();
    for (Name origin : origins) {
      try {
        ZoneData fresh = ZoneData.load(config.file(), origin);
        ZoneData current = table.zone(origin);
        if (current == null || fresh.serial() != current.serial()) {
          table.put(fresh);
          log.info("file: reloaded zone {} from {} with serial {}", origin, config.file(), fresh.serial());
          source.changed(origin); // CoreDNS: a reloaded zone notifies its secondaries
        }
      } catch (ZoneData.ZoneFileException e) {
        log.error("file: keeping the served zone {}: {}", origin, e.getMessage());
      }
    }
  }

  @Override
  public void stop() {
    if (reloads != null) {
      reloads.cancel(false);
    }
  }
}
