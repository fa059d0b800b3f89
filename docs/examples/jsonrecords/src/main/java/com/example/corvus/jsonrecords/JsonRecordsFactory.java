package com.example.corvus.jsonrecords;

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

/**
 * The {@code jsonrecords} directive:
 *
 * <pre>
 * jsonrecords FILE {
 *     ttl DURATION
 * }
 * </pre>
 *
 * <p>Answers the names of a JSON file such as {@code {"www.example.org": {"A": ["192.0.2.1"]}}}
 * authoritatively and passes every other name on.
 */
@AutoService(PluginFactory.class)
public final class JsonRecordsFactory implements PluginFactory {

  static final Duration DEFAULT_TTL = Duration.ofHours(1);

  @Override
  public String directive() {
    return "jsonrecords";
  }

  /** Beside {@code hosts}, the stock directive that answers from a file in the same way. */
  @Override
  public Placement placement() {
    return Placement.after("hosts");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Path file = config.nextPath("FILE");
    config.expectNoMoreArgs();
    Duration ttl = DEFAULT_TTL;
    while (config.nextOption()) {
      if (!config.option().equals("ttl")) {
        throw config.unknownOption(List.of("ttl"));
      }
      ttl = config.nextDuration("TTL");
      if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
        throw config.error("expected a TTL between 0s and 68y, got " + ttl);
      }
      config.expectNoMoreArgs();
    }
    return new JsonRecordsPlugin(new JsonRecordsConfig(file, ttl));
  }
}
