package dev.corvus.dns.plugin.debug;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * The {@code debug} directive: setup-only. It exports {@link DebugMode} so that {@code errors}
 * logs every failure with its stack trace. CoreDNS's debug is process-wide; here it reaches every
 * server block because a service exported without a block-local rival is visible configuration
 * wide.
 */
@AutoService(PluginFactory.class)
public final class DebugFactory implements PluginFactory {

  @Override
  public String directive() {
    return "debug";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    context.services().export(DebugMode.class, DebugMode.ENABLED);
    return Plugin.none();
  }
}
