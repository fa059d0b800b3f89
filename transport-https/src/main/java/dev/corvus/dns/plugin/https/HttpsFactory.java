package dev.corvus.dns.plugin.https;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code https { max_connections N }}: options of a server block's DNS-over-HTTPS listener, as
 * CoreDNS's {@code https} plugin. Nothing in the chain; the {@code https://} listener reads them.
 */
@AutoService(PluginFactory.class)
public final class HttpsFactory implements PluginFactory {

  @Override
  public String directive() {
    return "https";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    Integer maxConnections = null;
    while (config.nextOption()) {
      if (!config.option().equals("max_connections")) {
        throw config.unknownOption(List.of("max_connections"));
      }
      if (maxConnections != null) {
        throw config.error("max_connections already defined for this server block");
      }
      maxConnections = config.nextInt("max_connections", 0, Integer.MAX_VALUE);
      config.expectNoMoreArgs();
    }
    return maxConnections == null ? HttpsSettings.DEFAULTS : new HttpsSettings(maxConnections);
  }
}
