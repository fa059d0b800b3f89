package dev.corvus.dns.plugin.loadbalance;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The handler, and for {@code weighted} the rereading of the weight file on the scheduler. */
final class LoadbalancePlugin implements Plugin {

  private static final Logger LOG = LoggerFactory.getLogger(LoadbalancePlugin.class);

  private final LoadbalanceConfig config;
  private final PluginContext context;
  private final AtomicReference<Weights> weights;
  private final LoadbalanceHandler handler;
  private FileTime lastModified;
  private ScheduledFuture<?> reloads;

  LoadbalancePlugin(LoadbalanceConfig config, Weights weights, PluginContext context) {
    this.config = config;
    this.context = context;
    this.weights = new AtomicReference<>(weights);
    this.handler = new LoadbalanceHandler(config, this.weights::get);
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() throws IOException {
    if (config.weighted() && !config.reload().isZero()) {
      lastModified = Files.getLastModifiedTime(config.weightFile());
      long millis = config.reload().toMillis();
      // Rereading a file is I/O: the scheduler does it, never a query's I/O thread.
      reloads = context.scheduler().scheduleWithFixedDelay(this::reload, millis, millis, TimeUnit.MILLISECONDS);
    }
    return STARTED;
  }

  private void reload() {
    try {
      FileTime modified = Files.getLastModifiedTime(config.weightFile());
      if (modified.equals(lastModified)) {
        return;
      }
      weights.set(Weights.read(config.weightFile()));
      lastModified = modified;
      LOG.info("loadbalance: reloaded the weight file {}", config.weightFile());
    } catch (IOException | Weights.MalformedWeightsException e) {
      LOG.error("loadbalance: keeping the previous weights: {}", e.getMessage());
    }
  }

  @Override
  public void stop() {
    if (reloads != null) {
      reloads.cancel(false);
    }
  }
}
