package dev.corvus.dns.plugin.timeouts;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code timeouts { read DURATION; write DURATION; idle DURATION; maxtcpqueries MAXIMUM }}:
 * validated as CoreDNS does (durations between 1s and 24h, maxtcpqueries -1 or positive, at least
 * one option) into the {@link ListenerTimeouts} the block's listeners apply.
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
    Optional<Duration> read = Optional.empty();
    Optional<Duration> write = Optional.empty();
    Optional<Duration> idle = Optional.empty();
    OptionalInt maxTcpQueries = OptionalInt.empty();
    int options = 0;
    while (config.nextOption()) {
      String option = config.option();
      if (option.equals("maxtcpqueries")) {
        int max = config.nextInt("maxtcpqueries", -1, Integer.MAX_VALUE);
        if (max == 0) {
          throw config.error("maxtcpqueries must be -1 (unlimited) or a positive integer, got 0");
        }
        config.expectNoMoreArgs();
        maxTcpQueries = OptionalInt.of(max);
      } else if (KNOWN_OPTIONS.contains(option)) {
        Duration value = config.nextDuration(option);
        config.expectNoMoreArgs();
        if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
          throw config.error("timeout provided '" + asWritten(value) + "' needs to be between 1 second and 24 hours");
        }
        switch (option) {
          case "read" -> read = Optional.of(value);
          case "write" -> write = Optional.of(value);
          default -> idle = Optional.of(value);
        }
      } else {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      options++;
    }
    if (options == 0) {
      throw config.error("timeouts block with no timeouts specified");
    }
    Optional<ListenerTimeouts> timeouts = Optional.of(new ListenerTimeouts(read, write, idle, maxTcpQueries));
    return new Plugin() {
      @Override
      public Optional<ListenerTimeouts> listenerTimeouts() {
        return timeouts;
      }
    };
  }

  /** A duration as a Corefile writes it (10s, 500ms), not as Java prints it (PT10S). */
  private static String asWritten(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }
}
