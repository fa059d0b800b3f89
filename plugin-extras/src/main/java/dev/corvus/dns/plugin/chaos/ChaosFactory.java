package dev.corvus.dns.plugin.chaos;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code chaos [VERSION] [AUTHORS...]}: CH TXT answers for version.bind, version.server,
 * authors.bind, hostname.bind and id.server. VERSION defaults to {@code Corvus-<version>}.
 */
@AutoService(PluginFactory.class)
public final class ChaosFactory implements PluginFactory {

  /** TXT strings hold at most 255 bytes; CoreDNS cuts longer values. */
  static final int MAX_TXT = 255;

  @Override
  public String directive() {
    return "chaos";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<String> args = config.remainingArgs();
    if (config.nextOption()) {
      throw config.error("unknown property \"" + config.option() + "\"");
    }
    String version = args.isEmpty() ? defaultVersion() : trim(args.get(0));
    List<String> authors = List.of();
    if (args.size() > 1) {
      TreeSet<String> unique = new TreeSet<>();
      for (String author : args.subList(1, args.size())) {
        unique.add(trim(author));
      }
      authors = List.copyOf(unique);
    }
    return new ChaosPlugin(new ChaosConfig(version, authors), context.scheduler());
  }

  private static String defaultVersion() {
    String version = ChaosFactory.class.getPackage().getImplementationVersion();
    return "Corvus-" + (version == null ? "dev" : version);
  }

  static String trim(String text) {
    return text.length() <= MAX_TXT ? text : text.substring(0, MAX_TXT);
  }
}
