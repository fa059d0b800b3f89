package dev.corvus.dns.plugin.header;

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
 * {@code header { query|response set|clear FLAG... }}: sets or clears header flags of the query
 * the later plugins see and of the response the client gets (CoreDNS's {@code header}).
 */
@AutoService(PluginFactory.class)
public final class HeaderFactory implements PluginFactory {

  @Override
  public String directive() {
    return "header";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    List<FlagRule> query = new ArrayList<>();
    List<FlagRule> response = new ArrayList<>();
    while (config.nextOption()) {
      String selector = config.option().toLowerCase(Locale.ROOT);
      String action;
      switch (selector) {
        case "query", "response" -> action = config.hasNextArg() ? config.nextArg("ACTION") : "";
        case "set", "clear" -> {
          // CoreDNS 1.9-1.12 syntax, removed in CoreDNS 2025 (#7436): rules without a selector
          // applied to the response. Real Corefiles still carry it.
          config.warn("a rule without selector is deprecated (removed from CoreDNS): taken as 'response "
              + selector + "'; write the selector");
          action = selector;
          selector = "response";
        }
        default -> throw config.error("invalid selector \"" + config.option() + "\", expected query or response");
      }
      List<String> flags = config.remainingArgs();
      if (flags.isEmpty()) {
        throw config.error("expected set|clear and at least one flag (aa, ra, rd)");
      }
      boolean state = switch (action.toLowerCase(Locale.ROOT)) {
        case "set" -> true;
        case "clear" -> false;
        default -> throw config.error("unknown flag action \"" + action + "\", expected set or clear");
      };
      for (String flag : flags) {
        HeaderFlag parsed = HeaderFlag.parse(flag);
        if (parsed == null) {
          throw config.error("unknown or unsupported flag \"" + flag + "\", expected aa, ra or rd");
        }
        (selector.equals("query") ? query : response).add(new FlagRule(parsed, state));
      }
    }
    if (query.isEmpty() && response.isEmpty()) {
      throw config.error("expected a block with at least one rule: query|response set|clear FLAG...");
    }
    return Plugin.of(new HeaderHandler(List.copyOf(query), List.copyOf(response)));
  }
}
