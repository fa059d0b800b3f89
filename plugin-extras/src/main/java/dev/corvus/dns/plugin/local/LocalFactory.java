package dev.corvus.dns.plugin.local;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code local { localhost_prefix on|off }}: answers localhost, its reverse zones and
 * {@code *.localhost} locally (RFC 6761 §6.3). {@code localhost_prefix} (on by default) also
 * treats the legacy {@code localhost.<domain>} names as local.
 */
@AutoService(PluginFactory.class)
public final class LocalFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("localhost_prefix");

  @Override
  public String directive() {
    return "local";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    boolean localhostPrefix = true;
    while (config.nextOption()) {
      if (!config.option().equals("localhost_prefix")) {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      String value = config.nextArg("on|off");
      localhostPrefix = switch (value) {
        case "on" -> true;
        case "off" -> false;
        default -> throw config.error("expected on or off, got \"" + value + "\"");
      };
    }
    return Plugin.of(new LocalHandler(localhostPrefix));
  }
}
