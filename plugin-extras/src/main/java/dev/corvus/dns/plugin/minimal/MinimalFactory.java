package dev.corvus.dns.plugin.minimal;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;

/** {@code minimal}: positive answers leave without authority and additional records. */
@AutoService(PluginFactory.class)
public final class MinimalFactory implements PluginFactory {

  @Override
  public String directive() {
    return "minimal";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.error("minimal takes no options");
    }
    return Plugin.of(new MinimalHandler());
  }
}
