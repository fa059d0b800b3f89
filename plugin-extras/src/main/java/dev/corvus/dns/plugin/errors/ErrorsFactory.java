package dev.corvus.dns.plugin.errors;

import com.google.auto.service.AutoService;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/** The {@code errors [stdout] { stacktrace; consolidate DURATION REGEXP [LEVEL] [show_first] }} directive. */
@AutoService(PluginFactory.class)
public final class ErrorsFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("stacktrace", "consolidate");

  /** CoreDNS's bound on REGEXP, against patterns that cost too much to compile. */
  static final int MAX_REGEXP_LENGTH = 10_000;

  private static final Map<String, Level> LEVELS =
      Map.of("warning", Level.WARN, "error", Level.ERROR, "info", Level.INFO, "debug", Level.DEBUG);

  @Override
  public String directive() {
    return "errors";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new ErrorsPlugin(parse(config), context);
  }

  static ErrorsConfig parse(ConfigReader config) throws ConfigException {
    if (config.hasNextArg()) {
      String file = config.nextArg("log file");
      if (!file.equals("stdout")) {
        throw config.error("invalid log file: " + file + " (only stdout is supported)");
      }
      config.expectNoMoreArgs();
    }
    boolean stacktrace = false;
    List<ErrorsConfig.Consolidation> consolidations = new ArrayList<>();
    while (config.nextOption()) {
      switch (config.option()) {
        case "stacktrace" -> {
          config.expectNoMoreArgs();
          stacktrace = true;
        }
        case "consolidate" -> consolidations.add(parseConsolidate(config));
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new ErrorsConfig(stacktrace, consolidations);
  }

  private static ErrorsConfig.Consolidation parseConsolidate(ConfigReader config) throws ConfigException {
    Duration period = config.nextDuration("DURATION");
    if (period.isNegative() || period.isZero()) {
      throw config.error("DURATION must be positive, got " + period);
    }
    String regexp = config.nextArg("REGEXP");
    if (regexp.length() > MAX_REGEXP_LENGTH) {
      throw config.error("regex pattern too long: " + regexp.length() + " > " + MAX_REGEXP_LENGTH);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regexp);
    } catch (PatternSyntaxException e) {
      throw config.error("invalid REGEXP " + regexp + ": " + e.getMessage());
    }
    Level level = null;
    boolean showFirst = false;
    List<String> rest = config.remainingArgs();
    if (rest.size() > 2) {
      throw config.error("expected DURATION REGEXP [LEVEL] [show_first], got " + (rest.size() + 2) + " arguments");
    }
    for (String arg : rest) {
      if (LEVELS.containsKey(arg)) {
        if (level != null) {
          throw config.error("multiple log levels specified in consolidate");
        }
        if (showFirst) {
          throw config.error("log level must come before show_first in consolidate");
        }
        level = LEVELS.get(arg);
      } else if (arg.equals("show_first")) {
        showFirst = true;
      } else {
        throw config.error("unknown option in consolidate: " + arg + " (expected warning, error, info, debug or show_first)");
      }
    }
    return new ErrorsConfig.Consolidation(period, pattern, level == null ? Level.ERROR : level, showFirst);
  }
}
