package dev.corvus.dns.plugin.rewrite;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rewrite [continue|stop] FIELD ARGS...}, or the same rule spread over a block ({@code
 * rewrite stop { name regex A B; answer name C D }}); {@code stop} is the default. Repeatable:
 * each occurrence is one rule.
 */
@AutoService(PluginFactory.class)
public final class RewriteFactory implements PluginFactory {

  @Override
  public String directive() {
    return "rewrite";
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<String> words = new ArrayList<>(config.remainingArgs());
    boolean stop = true;
    if (!words.isEmpty() && (words.get(0).equals("continue") || words.get(0).equals("stop"))) {
      stop = words.remove(0).equals("stop");
    }
    if (words.isEmpty()) {
      // CoreDNS: a rule without arguments is read from the block, one word after the other
      while (config.nextOption()) {
        words.add(config.option());
        words.addAll(config.remainingArgs());
      }
    } else if (config.nextOption()) {
      throw config.error("a rule given on the directive line takes no block");
    }
    try {
      return Plugin.of(new RewriteHandler(RuleParser.parse(words, context.resolver()), stop));
    } catch (RuleParser.RuleSyntaxException e) {
      throw config.error(e.getMessage());
    }
  }
}
