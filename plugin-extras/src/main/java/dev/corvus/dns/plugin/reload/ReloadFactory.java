package dev.corvus.dns.plugin.reload;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The {@code reload [INTERVAL] [JITTER]} directive: reloads the server when its Corefile changes. */
@AutoService(PluginFactory.class)
public final class ReloadFactory implements PluginFactory {

  @Override
  public String directive() {
    return "reload";
  }

  /** Reloading is the server's: the plugin only notices that the Corefile changed. */
  @Override
  public Set<Class<?>> capabilities() {
    return Set.of(ServerControl.class);
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new ReloadPlugin(parse(config), context, context.capability(ServerControl.class));
  }

  static ReloadConfig parse(ConfigReader config) throws ConfigException {
    Duration interval = config.hasNextArg() ? config.nextDuration("INTERVAL") : ReloadConfig.DEFAULT_INTERVAL;
    if (interval.compareTo(ReloadConfig.MIN_INTERVAL) < 0) {
      throw config.error("interval value must be greater or equal to 2s, got " + interval);
    }
    Duration jitter = config.hasNextArg() ? config.nextDuration("JITTER") : ReloadConfig.DEFAULT_JITTER;
    config.expectNoMoreArgs();
    if (jitter.isNegative() || (!jitter.isZero() && jitter.compareTo(ReloadConfig.MIN_JITTER) < 0)) {
      throw config.error("jitter value must be 0 or greater or equal to 1s, got " + jitter);
    }
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    Duration half = interval.dividedBy(2);
    return new ReloadConfig(interval, jitter.compareTo(half) > 0 ? half : jitter);
  }
}
