package dev.corvus.dns.plugin.loop;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * Test-only directive {@code test_relay}, standing where {@code forward} would, just after {@code
 * loop}: it sends every query back through the server's own resolver, which is a forwarding loop.
 */
public final class RelayFactory implements PluginFactory {

  @Override
  public String directive() {
    return "test_relay";
  }

  @Override
  public Placement placement() {
    return Placement.after("loop");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    return Plugin.of(chain -> context.resolver().resolve(chain.request().message()));
  }
}
