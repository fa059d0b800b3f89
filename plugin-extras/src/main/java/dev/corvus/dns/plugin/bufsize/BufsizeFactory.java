package dev.corvus.dns.plugin.bufsize;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;

/**
 * {@code bufsize [SIZE]}: caps the EDNS0 UDP payload size of queries passed on (to forward's
 * upstreams, say) at SIZE, 1232 by default (DNS Flag Day 2020), between 512 and 4096.
 */
@AutoService(PluginFactory.class)
public final class BufsizeFactory implements PluginFactory {

  static final int DEFAULT_SIZE = 1232;

  @Override
  public String directive() {
    return "bufsize";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    int size = config.hasNextArg() ? config.nextInt("SIZE", 512, 4096) : DEFAULT_SIZE;
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.error("bufsize takes no options");
    }
    return Plugin.of(new BufsizeHandler(size));
  }
}
