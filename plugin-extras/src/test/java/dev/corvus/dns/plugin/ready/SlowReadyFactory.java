package dev.corvus.dns.plugin.ready;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test-only directive {@code test_slow_ready}: a readiness provider named {@code test_slow_ready}
 * that is ready once the test calls {@link #makeReady()}. A test passes its own instance to {@code
 * Corvus.builder().plugin(...)}.
 */
final class SlowReadyFactory implements PluginFactory {

  private final AtomicBoolean ready = new AtomicBoolean();

  /** From now on, every {@code test_slow_ready} of the server is ready. */
  void makeReady() {
    ready.set(true);
  }

  @Override
  public String directive() {
    return "test_slow_ready";
  }

  @Override
  public Placement placement() {
    return Placement.after("ready");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    context.readiness().register(new ReadinessProvider() {
      @Override
      public String name() {
        return "test_slow_ready";
      }

      @Override
      public boolean isReady() {
        return ready.get();
      }
    });
    return Plugin.none();
  }
}
