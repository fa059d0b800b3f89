package dev.corvus.dns.server.config;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.metadata.MetadataSink;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.server.routing.ServerQueryContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * {@code metadata [ZONES...]}: before the rest of the chain runs, every plugin of the server block
 * that publishes metadata is asked for its labels about the query, as CoreDNS's {@code metadata}
 * plugin does; handlers read them with {@link dev.corvus.dns.api.QueryContext#metadata}. Queries
 * outside ZONES (the block's zones by default) get none.
 */
public final class MetadataFactory implements PluginFactory {

  /** The providers of one block, filled in when the block's plugins exist. */
  static final class MetadataPlugin implements Plugin {
    private final List<Name> zones;
    private final List<MetadataProvider> providers = new CopyOnWriteArrayList<>();

    MetadataPlugin(List<Name> zones) {
      this.zones = List.copyOf(zones);
    }

    void providers(List<MetadataProvider> found) {
      providers.addAll(found);
    }

    @Override
    public Optional<Handler> handler() {
      return Optional.of(this::handle);
    }

    private CompletionStage<Message> handle(Chain chain) {
      Request request = chain.request();
      collect(request);
      return chain.proceed(request);
    }

    /**
     * Asks every provider of the block for its labels about {@code request}, once per query: the
     * server calls it before a view is evaluated, the handler when the chain starts.
     */
    void collect(Request request) {
      if (request.context() instanceof ServerQueryContext context && Names.inAny(request.qname(), zones)
          && context.startMetadata()) {
        MetadataSink sink = context.metadataSink();
        for (MetadataProvider provider : providers) {
          provider.publish(request, sink);
        }
      }
    }
  }

  @Override
  public String directive() {
    return "metadata";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    if (config.nextOption()) {
      throw config.error("metadata takes no block");
    }
    return new MetadataPlugin(zones);
  }
}
