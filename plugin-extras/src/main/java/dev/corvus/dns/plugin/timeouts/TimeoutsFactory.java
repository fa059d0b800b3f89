package dev.corvus.dns.plugin.timeouts;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.List;

/**
 * {@code timeouts { read DURATION; write DURATION; idle DURATION; maxtcpqueries MAXIMUM }}:
 * validated as CoreDNS does (durations between 1s and 24h, maxtcpqueries -1 or positive, at least
 * one option) so that Corefiles carrying it load, with a warning that Corvus's listeners do not
 * apply it yet.
 */
@AutoService(PluginFactory.class)
public final class TimeoutsFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("read", "write", "idle", "maxtcpqueries");
  private static final Duration MIN = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofHours(24);

  @Override
  public String directive() {
    return "timeouts";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    TimeoutsConfig timeouts = new TimeoutsConfig(null, null, null, -1);
    int options = 0;
    while (config.nextOption()) {
      String option = config.option();
      if (option.equals("maxtcpqueries")) {
        int max = config.nextInt("maxtcpqueries", -1, Integer.MAX_VALUE);
        if (max == 0) {
          throw config.error("maxtcpqueries must be -1 (unlimited) or a positive integer, got 0");
        }
        config.expectNoMoreArgs();
        timeouts = timeouts.withMaxTcpQueries(max);
      } else if (KNOWN_OPTIONS.contains(option)) {
        Duration value = config.nextDuration(option);
        config.expectNoMoreArgs();
        if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
          throw config.error("timeout provided '" + value + "' needs to be between 1 second and 24 hours");
        }
        timeouts = timeouts.with(option, value);
      } else {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      options++;
    }
    if (options == 0) {
      throw config.error("timeouts block with no timeouts specified");
    }
    config.warn("timeouts are validated but not applied: Corvus's listeners do not use them yet (" + timeouts + ")");
    return Plugin.none();
  }
}
