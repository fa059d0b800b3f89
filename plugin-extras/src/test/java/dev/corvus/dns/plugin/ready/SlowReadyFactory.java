package dev.corvus.dns.plugin.ready;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test-only directive {@code test_slow_ready KEY}: a readiness provider named {@code
 * test_slow_ready} that is ready once the test sets {@link #SWITCHES}{@code .get(KEY)}.
 */
@AutoService(PluginFactory.class)
public final class SlowReadyFactory implements PluginFactory {

  /** The switches, by the key a test writes in its Corefile; each test uses its own key. */
  static final Map<String, AtomicBoolean> SWITCHES = new ConcurrentHashMap<>();

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
    AtomicBoolean ready = SWITCHES.computeIfAbsent(config.nextArg("KEY"), k -> new AtomicBoolean());
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
