package dev.corvus.dns.plugin.clouddns;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.cloudzones.CloudZones;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The {@code clouddns} directive: managed zones listed through Google's Cloud DNS client on a
 * thread of the plugin's own every minute, answered from memory (cloud-zones' {@link CloudZones}:
 * the server starts serving once every managed zone was listed, or after
 * {@link CloudZones#STARTUP_WAIT_SECONDS} without it, then SERVFAIL and not ready until it is).
 */
final class CloudDnsPlugin implements Plugin {

  private final CloudDnsConfig config;
  private final PluginContext context;
  private final CloudDnsRecordSource.Clients clients;
  private final CloudZones<CloudDnsConfig.ManagedZone> zones;

  CloudDnsPlugin(CloudDnsConfig config, PluginContext context) {
    this(config, context, CloudDnsClients::build);
  }

  CloudDnsPlugin(CloudDnsConfig config, PluginContext context, CloudDnsRecordSource.Clients clients) {
    this.config = config;
    this.context = context;
    this.clients = clients;
    this.zones = new CloudZones<>("clouddns", config.zones(), config.fallthrough());
    context.readiness().register(zones.readiness());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(zones.handler());
  }

  @Override
  public CompletionStage<Void> start() {
    // the first refresh builds the client (reads the credentials file) and lists, on the refresh
    // thread, whose context class loader is plugins/clouddns/'s own: the client's libraries look
    // up their providers through it
    return zones.start(context, new CloudDnsRecordSource(config, clients), config.refresh());
  }

  @Override
  public void stop() {
    zones.stop();
  }
}
