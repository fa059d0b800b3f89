package dev.corvus.dns.plugin.any;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;

/** {@code any}: answers ANY queries with a single HINFO record, as RFC 8482 §4.2 allows. */
@AutoService(PluginFactory.class)
public final class AnyFactory implements PluginFactory {

  @Override
  public String directive() {
    return "any";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.error("any takes no options");
    }
    return Plugin.of(new AnyHandler());
  }
}
