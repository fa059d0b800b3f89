package dev.corvus.dns.plugin.health;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** The {@code health [ADDRESS] { lameduck DURATION }} directive: a liveness endpoint. */
@AutoService(PluginFactory.class)
public final class HealthFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("lameduck");

  @Override
  public String directive() {
    return "health";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new HealthPlugin(parse(config), context);
  }

  static HealthConfig parse(ConfigReader config) throws ConfigException {
    InetSocketAddress address = config.hasNextArg()
        ? config.nextAddress("ADDRESS", HealthConfig.DEFAULT_PORT)
        : new InetSocketAddress(HealthConfig.DEFAULT_PORT);
    config.expectNoMoreArgs();
    Duration lameduck = Duration.ZERO;
    while (config.nextOption()) {
      if (!config.option().equals("lameduck")) {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      lameduck = config.nextDuration("DURATION");
      config.expectNoMoreArgs();
      if (lameduck.isNegative()) {
        throw config.error("lameduck must not be negative, got " + lameduck);
      }
    }
    return new HealthConfig(address, lameduck);
  }
}
