package dev.corvus.dns.plugin.https3;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code https3 { max_streams N; max_connections N }}: options of a server block's
 * DNS-over-HTTP/3 listener, as CoreDNS's {@code https3} plugin (both 0 or more).
 */
@AutoService(PluginFactory.class)
public final class Https3Factory implements PluginFactory {

  private static final List<String> OPTIONS = List.of("max_streams", "max_connections");

  @Override
  public String directive() {
    return "https3";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    Integer maxStreams = null;
    Integer maxConnections = null;
    while (config.nextOption()) {
      String option = config.option();
      if (!OPTIONS.contains(option)) {
        throw config.unknownOption(OPTIONS);
      }
      if (option.equals("max_streams") ? maxStreams != null : maxConnections != null) {
        throw config.error(option + " already defined for this server block");
      }
      int value = config.nextInt(option, 0, Integer.MAX_VALUE);
      config.expectNoMoreArgs();
      if (option.equals("max_streams")) {
        maxStreams = value;
      } else {
        maxConnections = value;
      }
    }
    return new Https3Settings(maxStreams == null ? Https3Settings.DEFAULTS.maxStreams() : maxStreams,
        maxConnections == null ? Https3Settings.DEFAULTS.maxConnections() : maxConnections);
  }
}
