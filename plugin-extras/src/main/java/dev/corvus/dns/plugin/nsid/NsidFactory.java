package dev.corvus.dns.plugin.nsid;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code nsid [DATA]}: adds an NSID option (RFC 5001) to responses to queries that ask for one.
 * DATA is the remaining words joined with spaces; without it the host name is used.
 */
@AutoService(PluginFactory.class)
public final class NsidFactory implements PluginFactory {

  @Override
  public String directive() {
    return "nsid";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<String> words = config.remainingArgs();
    if (config.nextOption()) {
      throw config.error("nsid takes no options");
    }
    return new NsidPlugin(words.isEmpty() ? null : String.join(" ", words), context.scheduler());
  }
}
