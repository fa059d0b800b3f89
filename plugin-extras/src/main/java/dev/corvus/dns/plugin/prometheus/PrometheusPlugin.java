package dev.corvus.dns.plugin.prometheus;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the server's registry at {@code /metrics} in the Prometheus text format. Several server
 * blocks may name one address: the server shares the listener, and every block serves the same
 * registry.
 */
final class PrometheusPlugin implements Plugin {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusPlugin.class);
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusConfig config;
  private final PluginContext context;
  private final MetricsHandler handler;
  private HttpEndpoints.Endpoint endpoint;

  PrometheusPlugin(PrometheusConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.handler = new MetricsHandler(new QueryMetrics(context.metrics()));
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  @Override
  public synchronized CompletionStage<Void> start() {
    BuildInfo.register(context.metrics());
    endpoint = context.http().serve(config.address(), "/metrics", request -> scrape());
    return STARTED;
  }

  @Override
  public synchronized void stop() {
    if (endpoint != null) {
      endpoint.close();
      endpoint = null;
    }
  }

  HttpEndpoints.HttpResponse scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      context.metrics().writeText(out);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Writing metrics failed: {}", e.toString());
      return HttpEndpoints.HttpResponse.text(500, "writing metrics failed: " + e.getMessage());
    }
    return new HttpEndpoints.HttpResponse(200, CONTENT_TYPE, out.toByteArray());
  }
}
