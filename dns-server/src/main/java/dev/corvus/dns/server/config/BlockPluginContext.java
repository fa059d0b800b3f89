package dev.corvus.dns.server.config;

import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Inspectors;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.api.plugin.ResponseObserver;
import dev.corvus.dns.api.plugin.ServerControl;
import dev.corvus.dns.api.plugin.ServiceRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@link PluginContext} of one server block: the server's services as that block's plugins
 * see them. The server builds one per block; the test kit builds them for unit tests.
 *
 * @param metrics the metric registry
 * @param readiness the configuration's readiness
 * @param services the block's view of exported services
 * @param resolver resolution through the configuration
 * @param http the HTTP endpoints
 * @param inspectors where the configuration's inspectors are registered
 * @param observers the block's response observers, which its pipeline calls
 * @param server the configuration's source and the reload entry point
 * @param scheduler timers and background work
 * @param clock the clock
 * @param serverLabel the block's {@code server} label
 */
public record BlockPluginContext(Metrics metrics, Readiness readiness, ServiceRegistry services,
    Resolver resolver, HttpEndpoints http, Inspectors inspectors, List<ResponseObserver> observers, ServerControl server, ScheduledExecutorService scheduler,
    Clock clock, String serverLabel) implements PluginContext {

  @Override
  public void observeResponses(ResponseObserver observer) {
    observers.add(observer);
  }
}
