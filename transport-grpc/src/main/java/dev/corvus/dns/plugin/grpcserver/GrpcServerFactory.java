package dev.corvus.dns.plugin.grpcserver;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code grpc_server { max_streams N; max_connections N }}: limits of a server block's
 * DNS-over-gRPC listener, as CoreDNS's {@code grpc_server} plugin. Nothing in the chain; the
 * {@code grpc://} listener reads them.
 */
@AutoService(PluginFactory.class)
public final class GrpcServerFactory implements PluginFactory {

  private static final List<String> OPTIONS = List.of("max_streams", "max_connections");

  @Override
  public String directive() {
    return "grpc_server";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    Integer maxStreams = null;
    Integer maxConnections = null;
    while (config.nextOption()) {
      String option = config.option();
      if (!OPTIONS.contains(option)) {
        throw config.unknownOption(OPTIONS);
      }
      int value = config.nextInt(option, 0, Integer.MAX_VALUE);
      config.expectNoMoreArgs();
      if (option.equals("max_streams")) {
        if (maxStreams != null) {
          throw config.error("max_streams already defined for this server block");
        }
        maxStreams = value;
      } else {
        if (maxConnections != null) {
          throw config.error("max_connections already defined for this server block");
        }
        maxConnections = value;
      }
    }
    return new GrpcServerSettings(
        maxStreams == null ? GrpcServerSettings.DEFAULT_MAX_STREAMS : maxStreams,
        maxConnections == null ? GrpcServerSettings.DEFAULT_MAX_CONNECTIONS : maxConnections);
  }
}
