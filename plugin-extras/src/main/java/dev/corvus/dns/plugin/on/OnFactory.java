package dev.corvus.dns.plugin.on;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code on startup|shutdown|certrenew COMMAND [ARGS...] [&]}: runs a command when the server
 * block's configuration starts or stops (CoreDNS's <i>on</i>, from coredns/caddy's onevent).
 */
@AutoService(PluginFactory.class)
public final class OnFactory implements PluginFactory {

  /** The events CoreDNS accepts. */
  static final List<String> EVENTS = List.of("startup", "shutdown", "certrenew");

  @Override
  public String directive() {
    return "on";
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    OnCommand command = parse(config);
    if (command.event().equals("certrenew")) {
      config.warn("on certrenew: accepted, never runs: Corvus does not renew certificates");
    }
    return new OnPlugin(command, config.location().toString());
  }

  static OnCommand parse(ConfigReader config) throws ConfigException {
    String event = config.nextArg("EVENT").toLowerCase(Locale.ROOT);
    if (!EVENTS.contains(event)) {
      throw config.error("Wrong event name or event not supported: '" + event + "'");
    }
    List<String> words = new ArrayList<>(config.remainingArgs());
    if (words.isEmpty()) {
      throw config.error("on " + event + ": COMMAND is missing");
    }
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    boolean background = words.size() > 1 && words.get(words.size() - 1).equals("&");
    if (background) {
      words.remove(words.size() - 1);
    }
    return new OnCommand(event, List.copyOf(words), background);
  }
}
