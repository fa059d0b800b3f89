package dev.corvus.dns.plugin.cache;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;

/**
 * Test-only directive {@code testupstream NAME}: puts the {@link ScriptedUpstream} a test
 * registered under NAME right after {@code cache} in the chain.
 */
@AutoService(PluginFactory.class)
public final class TestUpstreamFactory implements PluginFactory {

  @Override
  public String directive() {
    return "testupstream";
  }

  @Override
  public Placement placement() {
    return Placement.after(CacheFactory.DIRECTIVE);
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String name = config.nextArg("table name");
    config.expectNoMoreArgs();
    ScriptedUpstream upstream = ScriptedUpstream.REGISTRY.get(name);
    if (upstream == null) {
      throw config.error("no scripted upstream registered as " + name);
    }
    return Plugin.of(upstream);
  }
}
