package dev.corvus.dns.plugin.transfer;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.capability.ZoneSource;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Name;

/**
 * The {@code transfer} directive: its handler, and the NOTIFY messages sent to the {@code to}
 * addresses when a zone source of the block serves a new version of a zone.
 */
final class TransferPlugin implements Plugin {

  private final TransferConfig config;
  private final PluginContext context;
  private final Notifier notifier;
  private volatile List<ZoneSource> sources = List.of();
  private volatile boolean running;

  TransferPlugin(TransferConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.notifier = new Notifier(context.ioLoops());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(new TransferHandler(config, () -> sources));
  }

  @Override
  public CompletionStage<Void> start() {
    // services are visible from start on (CoreDNS finds its Transferers at startup as well)
    sources = context.services().lookupAll(ZoneSource.class);
    running = true;
    for (ZoneSource source : sources) {
      source.onChange(this::zoneChanged);
    }
    return STARTED;
  }

  /** CoreDNS: a changed zone notifies every {@code to} address that is not {@code *}. */
  private void zoneChanged(Name zone) {
    if (running && Names.longestMatch(zone, config.zones()) != null) {
      notifier.notifyAll(zone, config.to());
    }
  }

  @Override
  public void stop() {
    running = false;
  }
}
