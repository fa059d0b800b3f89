package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;

/**
 * Test-only directive {@code testupstream}: puts the test's {@link ScriptedUpstream} right after
 * {@code cache} in the chain. Register an instance with {@code Corvus.builder().plugin(...)}.
 */
final class TestUpstreamFactory implements PluginFactory {

  private final ScriptedUpstream upstream;

  TestUpstreamFactory(ScriptedUpstream upstream) {
    this.upstream = upstream;
  }

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
    config.expectNoMoreArgs();
    return Plugin.of(upstream);
  }
}
