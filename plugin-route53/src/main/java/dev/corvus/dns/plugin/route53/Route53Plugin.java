package dev.corvus.dns.plugin.route53;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.cloudzones.CloudZones;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The {@code route53} directive: hosted zones listed through the AWS SDK on a thread of the
 * plugin's own every {@code refresh}, answered from memory (cloud-zones' {@link CloudZones}: the
 * server starts serving once every hosted zone was listed, or after
 * {@link CloudZones#STARTUP_WAIT_SECONDS} without it, then SERVFAIL and not ready until it is).
 */
final class Route53Plugin implements Plugin {

  private final Route53Config config;
  private final PluginContext context;
  private final Function<Route53Config, Route53Client> clients;
  private final CloudZones<String> zones;

  Route53Plugin(Route53Config config, PluginContext context, Function<Route53Config, Route53Client> clients) {
    this.config = config;
    this.context = context;
    this.clients = clients;
    this.zones = new CloudZones<>("route53", config.zones(), config.fallthrough());
    context.readiness().register(zones.readiness());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(zones.handler());
  }

  @Override
  public CompletionStage<Void> start() {
    // The SDK finds its interceptors and HTTP client through the context class loader.
    Route53Client client = CloudZones.withClassLoaderOf(Route53Plugin.class, () -> clients.apply(config));
    return zones.start(context, new Route53RecordSource(client), config.refresh());
  }

  @Override
  public void stop() {
    zones.stop();
  }
}
