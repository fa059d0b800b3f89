package com.example.corvus.blocklist;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured {@code blocklist}: reads its file when started and again every {@code refresh},
 * and is ready once the file was read. A file that cannot be read or parsed keeps the previous
 * list in force.
 */
final class BlocklistPlugin implements Plugin, ReadinessProvider {

  private static final Logger LOG = LoggerFactory.getLogger(BlocklistPlugin.class);

  private final BlocklistConfig config;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<Blocklist> current = new AtomicReference<>(Blocklist.EMPTY);
  private final Gauge.Child entries;
  private final Handler handler;
  private volatile boolean loaded;
  private volatile ScheduledFuture<?> reading;

  BlocklistPlugin(BlocklistConfig config, PluginContext context) {
    this.config = config;
    this.scheduler = context.scheduler();
    Counter.Child blocked = context.metrics()
        .counter("corvus_blocklist_blocked_total", "Queries answered by the blocklist.", "server")
        .labels(context.serverLabel());
    this.entries = context.metrics()
        .gauge("corvus_blocklist_entries", "Names on the blocklist.", "server")
        .labels(context.serverLabel());
    this.handler = new BlocklistHandler(current::get, config.action(), blocked);
    context.readiness().register(this);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  /**
   * Reads the file on the server's scheduler, now and then every {@code refresh}; serving does
   * not wait for it (readiness does).
   */
  @Override
  public CompletionStage<Void> start() {
    long refreshMillis = config.refresh().toMillis();
    reading = refreshMillis == 0
        ? scheduler.schedule(this::read, 0, TimeUnit.MILLISECONDS)
        : scheduler.scheduleWithFixedDelay(this::read, 0, refreshMillis, TimeUnit.MILLISECONDS);
    return STARTED;
  }

  @Override
  public void stop() {
    ScheduledFuture<?> task = reading;
    if (task != null) {
      task.cancel(false);
    }
  }

  private void read() {
    try {
      Blocklist list = Blocklist.read(config.file());
      current.set(list);
      entries.set(list.size());
      if (!loaded) {
        LOG.info("blocklist: {} {} from {}", list.size(), list.size() == 1 ? "name" : "names", config.file());
        loaded = true;
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("blocklist: cannot read {}, keeping the {} names read before: {}",
          config.file(), current.get().size(), e.getMessage());
    }
  }

  @Override
  public String name() {
    return "blocklist";
  }

  @Override
  public boolean isReady() {
    return loaded;
  }
}
