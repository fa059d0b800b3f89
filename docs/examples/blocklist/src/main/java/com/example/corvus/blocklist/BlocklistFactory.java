package com.example.corvus.blocklist;

import com.example.corvus.blocklist.BlocklistConfig.Action;
import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code blocklist} directive:
 *
 * <pre>
 * blocklist FILE {
 *     respond nxdomain|refused|null
 *     refresh DURATION
 * }
 * </pre>
 *
 * <p>Queries for a name in {@code FILE}, or below one, are answered by this plugin; every other
 * query goes on down the chain.
 */
@AutoService(PluginFactory.class)
public final class BlocklistFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("respond", "refresh");

  @Override
  public String directive() {
    return "blocklist";
  }

  /**
   * Before {@code cache}: a name added to the list is blocked at the next refresh, even when an
   * answer for it is still cached.
   */
  @Override
  public Placement placement() {
    return Placement.before("cache");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new BlocklistPlugin(parse(config), context);
  }

  static BlocklistConfig parse(ConfigReader config) throws ConfigException {
    Path file = config.nextPath("FILE");
    config.expectNoMoreArgs();
    Action action = BlocklistConfig.DEFAULT_ACTION;
    Duration refresh = BlocklistConfig.DEFAULT_REFRESH;
    while (config.nextOption()) {
      switch (config.option()) {
        case "respond" -> action = action(config);
        case "refresh" -> {
          refresh = config.nextDuration("DURATION");
          if (refresh.isNegative()) {
            throw config.error("expected a duration of 0s or more, got " + refresh);
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
      config.expectNoMoreArgs();
    }
    return new BlocklistConfig(file, action, refresh);
  }

  private static Action action(ConfigReader config) throws ConfigException {
    String value = config.nextArg("nxdomain, refused or null");
    try {
      return Action.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw config.error("expected nxdomain, refused or null, got \"" + value + "\"");
    }
  }
}
