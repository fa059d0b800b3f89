package dev.corvus.dns.plugin.cancel;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;

/** {@code cancel [TIMEOUT]}: gives up on a query the rest of the chain has not answered in time. */
@AutoService(PluginFactory.class)
public final class CancelFactory implements PluginFactory {

  /** CoreDNS's default: just over the 5 s a client usually waits. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5001);

  @Override
  public String directive() {
    return "cancel";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Duration timeout = DEFAULT_TIMEOUT;
    if (config.hasNextArg()) {
      timeout = config.nextDuration("TIMEOUT");
      if (timeout.isNegative() || timeout.isZero()) {
        throw config.error("invalid negative duration: " + timeout);
      }
    }
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.error("cancel takes no options");
    }
    return Plugin.of(new CancelHandler(timeout, context.scheduler()));
  }
}
