package dev.corvus.dns.plugin.erratic;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.List;

/**
 * {@code erratic { drop [AMOUNT]; truncate [AMOUNT]; delay [AMOUNT [DURATION]] }}: a testing
 * plugin answering A and AAAA with fixed addresses, dropping, truncating or delaying one query in
 * AMOUNT (CoreDNS's <i>erratic</i>).
 */
@AutoService(PluginFactory.class)
public final class ErraticFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("drop", "truncate", "delay", "large");

  @Override
  public String directive() {
    return "erratic";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return Plugin.of(new ErraticHandler(parse(config)));
  }

  static ErraticConfig parse(ConfigReader config) throws ConfigException {
    config.expectNoMoreArgs();
    long drop = 2;
    long truncate = 0;
    long delay = 0;
    Duration duration = Duration.ZERO;
    boolean large = false;
    boolean sawDrop = false;
    while (config.nextOption()) {
      switch (config.option()) {
        case "drop" -> {
          if (config.hasNextArg()) {
            drop = config.nextInt("AMOUNT", 0, Integer.MAX_VALUE);
            sawDrop = true;
          }
          config.expectNoMoreArgs();
        }
        case "truncate" -> {
          truncate = config.hasNextArg() ? config.nextInt("AMOUNT", 0, Integer.MAX_VALUE) : 2;
          config.expectNoMoreArgs();
        }
        case "delay" -> {
          delay = config.hasNextArg() ? config.nextInt("AMOUNT", 0, Integer.MAX_VALUE) : 2;
          duration = config.hasNextArg() ? config.nextDuration("DURATION") : Duration.ofMillis(100);
          if (duration.isNegative()) {
            throw config.error("delay DURATION must not be negative, got " + duration);
          }
          config.expectNoMoreArgs();
        }
        case "large" -> {
          config.expectNoMoreArgs();
          large = true;
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    // as CoreDNS: delay or truncate without an explicit drop AMOUNT turns the default drop off
    if ((delay > 0 || truncate > 0) && !sawDrop) {
      drop = 0;
    }
    return new ErraticConfig(drop, truncate, delay, duration, large);
  }
}
