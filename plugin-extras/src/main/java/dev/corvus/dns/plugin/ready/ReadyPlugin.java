package dev.corvus.dns.plugin.ready;

import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /ready}: 200 {@code OK} when no readiness provider is waiting, else 503 with
 * the waiting names sorted and comma-separated, as CoreDNS lists plugins.
 */
final class ReadyPlugin implements Plugin {

  private static final Logger LOG = LoggerFactory.getLogger(ReadyPlugin.class);
  static final String SHUTDOWN = "shutdown";

  private final ReadyConfig config;
  private final PluginContext context;
  private volatile boolean everReady;
  private HttpEndpoints.Endpoint endpoint;

  ReadyPlugin(ReadyConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
  }

  @Override
  public synchronized CompletionStage<Void> start() {
    endpoint = context.http().serve(config.address(), "/ready", request -> answer());
    return STARTED;
  }

  @Override
  public synchronized void stop() {
    if (endpoint != null) {
      endpoint.close();
      endpoint = null;
    }
  }

  HttpEndpoints.HttpResponse answer() {
    List<String> waiting = waiting(context.readiness());
    if (waiting.isEmpty()) {
      return HttpEndpoints.HttpResponse.text(200, "OK");
    }
    String names = String.join(",", waiting);
    LOG.info("Plugins not ready: \"{}\"", names);
    return HttpEndpoints.HttpResponse.text(503, names);
  }

  private List<String> waiting(Readiness readiness) {
    List<String> notReady = readiness.notReady().stream().sorted().distinct().toList();
    if (config.monitor() == ReadyConfig.Monitor.UNTIL_READY) {
      if (everReady) {
        return notReady.contains(SHUTDOWN) ? List.of(SHUTDOWN) : List.of();
      }
      if (notReady.isEmpty()) {
        everReady = true;
      }
    }
    return notReady;
  }
}
