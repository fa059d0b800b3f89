package dev.corvus.dns.plugin.loadbalance;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code loadbalance [round_robin] { prefer CIDR... }} directive. CoreDNS's {@code weighted}
 * policy is rejected with a configuration error: it is not available in Corvus.
 */
@AutoService(PluginFactory.class)
public final class LoadbalanceFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("prefer");

  @Override
  public String directive() {
    return "loadbalance";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return Plugin.of(new LoadbalanceHandler(parse(config)));
  }

  static LoadbalanceConfig parse(ConfigReader config) throws ConfigException {
    if (config.hasNextArg()) {
      String policy = config.nextArg("policy");
      switch (policy) {
        case "round_robin" -> {
          if (config.hasNextArg()) {
            throw config.error("unknown property for round_robin: " + config.nextArg("argument"));
          }
        }
        case "weighted" -> throw config.error(
            "the weighted policy is not supported by Corvus; use round_robin (the default)");
        default -> throw config.error("unknown policy: " + policy + " (expected round_robin)");
      }
    }
    List<Cidr> preferred = new ArrayList<>();
    while (config.nextOption()) {
      if (!config.option().equals("prefer")) {
        throw config.unknownOption(KNOWN_OPTIONS);
      }
      for (String text : config.remainingArgs()) {
        try {
          preferred.add(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
          throw config.error("invalid CIDR \"" + text + "\": " + e.getMessage());
        }
      }
    }
    return new LoadbalanceConfig(preferred);
  }
}
