package dev.corvus.dns.plugin.azure;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.cloudzones.CloudZones;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The {@code azure} directive: Azure DNS zones listed through the Azure SDK on a thread of the
 * plugin's own every {@code refresh}, answered from memory (cloud-zones' {@link CloudZones}: the
 * server starts serving once every Azure zone was listed, or after
 * {@link CloudZones#STARTUP_WAIT_SECONDS} without it, then SERVFAIL and not ready until it is).
 */
final class AzurePlugin implements Plugin {

  private final AzureConfig config;
  private final PluginContext context;
  private final Function<AzureConfig, AzureRecordSource> sources;
  private final CloudZones<AzureConfig.AzureZone> zones;

  AzurePlugin(AzureConfig config, PluginContext context, Function<AzureConfig, AzureRecordSource> sources) {
    this.config = config;
    this.context = context;
    this.sources = sources;
    this.zones = new CloudZones<>("azure", config.zones(), config.fallthrough());
    context.readiness().register(zones.readiness());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(zones.handler());
  }

  @Override
  public CompletionStage<Void> start() {
    // The SDK finds its HTTP client, serializers and providers through the context class loader.
    AzureRecordSource source = CloudZones.withClassLoaderOf(AzurePlugin.class, () -> sources.apply(config));
    return zones.start(context, source, config.refresh());
  }

  @Override
  public void stop() {
    zones.stop();
  }
}
