package dev.corvus.dns.plugin.log;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/** The {@code log [NAMES...] [FORMAT] { class CLASSES... }} directive. */
@AutoService(PluginFactory.class)
public final class LogFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("class");

  /** Corvus's own metric: CoreDNS writes synchronously and never drops a line. */
  static final String DROPPED_LINES = "corvus_log_dropped_lines_total";

  @Override
  public String directive() {
    return "log";
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<LogRule> rules = parse(config);
    Counter.Child dropped = context.metrics()
        .counter(DROPPED_LINES, "Counter of query log lines dropped because the log writer fell behind.", "server")
        .labels(context.serverLabel());
    AsyncLogSink sink = new AsyncLogSink(LoggerFactory.getLogger("dev.corvus.dns.plugin.log")::info,
        AsyncLogSink.DEFAULT_CAPACITY, dropped, "corvus-log " + context.serverLabel());
    return new LogPlugin(new LogHandler(rules, sink), sink);
  }

  static List<LogRule> parse(ConfigReader config) throws ConfigException {
    List<String> args = new ArrayList<>(config.remainingArgs());
    String format = LogFormat.COMMON;
    // As CoreDNS: with two or more arguments, a last one holding '{' is the format.
    if (args.size() > 1 && args.get(args.size() - 1).contains("{")) {
      format = args.remove(args.size() - 1)
          .replace("{common}", LogFormat.COMMON)
          .replace("{combined}", LogFormat.COMBINED);
    }
    if (args.isEmpty()) {
      args.add(".");
    }
    List<Name> scopes = new ArrayList<>();
    for (String arg : args) {
      try {
        scopes.add(Names.zone(arg));
      } catch (IllegalArgumentException e) {
        throw config.error("not a valid name: " + arg);
      }
    }
    Set<ResponseClass> classes = EnumSet.noneOf(ResponseClass.class);
    while (config.nextOption()) {
      if (!config.option().equals("class")) {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      List<String> names = config.remainingArgs();
      if (names.isEmpty()) {
        throw config.error("expected at least one of all, success, denial, error");
      }
      for (String name : names) {
        ResponseClass c = ResponseClass.fromLabel(name);
        if (c == null) {
          throw config.error("invalid Class: " + name + " (expected all, success, denial or error)");
        }
        classes.add(c);
      }
    }
    if (classes.isEmpty()) {
      classes.add(ResponseClass.ALL);
    }
    LogFormat parsed = LogFormat.parse(format);
    List<LogRule> rules = new ArrayList<>();
    for (Name scope : scopes) {
      rules.add(new LogRule(scope, parsed, classes));
    }
    return rules;
  }
}
