package dev.corvus.dns.plugin.autopath;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.capability.PodNamespaceLookup;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code autopath} directive. With {@code @kubernetes} the pod lookup is taken from the
 * service registry at start, when every plugin of the configuration has exported its services.
 */
final class AutopathPlugin implements Plugin {

  private static final Logger log = LoggerFactory.getLogger(AutopathPlugin.class);

  private final AutopathConfig config;
  private final PluginContext context;
  private final AutopathHandler handler;
  private volatile Optional<PodNamespaceLookup> pods = Optional.empty();

  AutopathPlugin(AutopathConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    Counter success = context.metrics().counter(
        "coredns_autopath_success_total", "Counter of requests that did autopath.", "server");
    this.handler = new AutopathHandler(config, () -> pods, success, context.serverLabel());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public CompletionStage<Void> start() {
    if (!config.fromKubernetes()) {
      return STARTED;
    }
    pods = context.services().lookup(PodNamespaceLookup.class);
    if (pods.isEmpty()) {
      // CoreDNS fails setup here; Corvus keeps serving, without search path completion
      log.error("autopath: @kubernetes is configured but no kubernetes plugin exports pod namespaces "
          + "(is kubernetes in this server block, with pods verified?); queries pass through unchanged");
    }
    return STARTED;
  }
}
