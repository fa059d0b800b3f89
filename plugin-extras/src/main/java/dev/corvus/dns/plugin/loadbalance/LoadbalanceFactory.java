package dev.corvus.dns.plugin.loadbalance;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code loadbalance [round_robin | weighted WEIGHTFILE] { reload DURATION; limit_answers N;
 * prefer CIDR... }} directive. The weight file is read here, so that a broken one is a
 * configuration error with its line; {@code reload} rereads it from the scheduler.
 */
@AutoService(PluginFactory.class)
public final class LoadbalanceFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("prefer", "reload", "limit_answers");

  @Override
  public String directive() {
    return "loadbalance";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    LoadbalanceConfig parsed = parse(config);
    Weights weights = null;
    if (parsed.weighted()) {
      try {
        weights = Weights.read(parsed.weightFile());
      } catch (IOException e) {
        throw config.error("cannot read the weight file " + parsed.weightFile() + ": " + e.getMessage());
      } catch (Weights.MalformedWeightsException e) {
        throw config.error(e.getMessage());
      }
    }
    return new LoadbalancePlugin(parsed, weights, context);
  }

  static LoadbalanceConfig parse(ConfigReader config) throws ConfigException {
    Path weightFile = null;
    if (config.hasNextArg()) {
      String policy = config.nextArg("policy");
      switch (policy) {
        case "round_robin" -> config.expectNoMoreArgs();
        case "weighted" -> {
          weightFile = config.nextPath("WEIGHTFILE");
          config.expectNoMoreArgs();
        }
        default -> throw config.error("unknown policy: " + policy + " (expected round_robin or weighted)");
      }
    }
    Duration reload = LoadbalanceConfig.DEFAULT_RELOAD;
    int limitAnswers = 0;
    List<Cidr> preferred = new ArrayList<>();
    while (config.nextOption()) {
      switch (config.option()) {
        case "prefer" -> {
          while (config.hasNextArg()) {
            preferred.add(config.nextCidr("CIDR", false));
          }
        }
        case "reload" -> {
          if (weightFile == null) {
            throw config.error("reload applies to the weighted policy only");
          }
          reload = config.nextDuration("DURATION");
          config.expectNoMoreArgs();
        }
        case "limit_answers" -> {
          limitAnswers = config.nextInt("NUM_ANSWERS", 1, 65535);
          config.expectNoMoreArgs();
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new LoadbalanceConfig(weightFile, reload, limitAnswers, preferred);
  }
}
