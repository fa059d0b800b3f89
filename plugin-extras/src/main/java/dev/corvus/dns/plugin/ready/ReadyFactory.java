package dev.corvus.dns.plugin.ready;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The {@code ready [ADDRESS] { monitor until-ready|continuously }} directive: a readiness endpoint.
 * Corvus monitors {@code continuously} unless told otherwise, so that a plugin that becomes
 * unready later (a detected forwarding loop, a shutdown) is reported.
 */
@AutoService(PluginFactory.class)
public final class ReadyFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("monitor");

  @Override
  public String directive() {
    return "ready";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new ReadyPlugin(parse(config), context);
  }

  static ReadyConfig parse(ConfigReader config) throws ConfigException {
    InetSocketAddress address = config.hasNextArg()
        ? config.nextAddress("ADDRESS", ReadyConfig.DEFAULT_PORT)
        : new InetSocketAddress(ReadyConfig.DEFAULT_PORT);
    config.expectNoMoreArgs();
    ReadyConfig.Monitor monitor = ReadyConfig.Monitor.CONTINUOUSLY;
    while (config.nextOption()) {
      if (!config.option().equals("monitor")) {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      String mode = config.nextArg("until-ready or continuously");
      config.expectNoMoreArgs();
      monitor = switch (mode) {
        case "until-ready" -> ReadyConfig.Monitor.UNTIL_READY;
        case "continuously" -> ReadyConfig.Monitor.CONTINUOUSLY;
        default -> throw config.error("monitor type '" + mode + "' not supported (expected until-ready or continuously)");
      };
    }
    return new ReadyConfig(address, monitor);
  }
}
