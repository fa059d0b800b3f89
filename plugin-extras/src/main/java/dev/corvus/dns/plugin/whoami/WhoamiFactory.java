package dev.corvus.dns.plugin.whoami;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/** The {@code whoami} directive: answers every query with the client's address and port. */
@AutoService(PluginFactory.class)
public final class WhoamiFactory implements PluginFactory {

  @Override
  public String directive() {
    return "whoami";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    return Plugin.of(new WhoamiHandler());
  }
}
