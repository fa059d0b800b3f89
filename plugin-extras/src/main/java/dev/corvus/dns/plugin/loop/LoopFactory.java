package dev.corvus.dns.plugin.loop;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The {@code loop} directive: detects a forwarding loop at startup by sending a probe through the
 * server and counting how often it comes back (CoreDNS's method, first zone of the block only).
 */
@AutoService(PluginFactory.class)
public final class LoopFactory implements PluginFactory {

  @Override
  public String directive() {
    return "loop";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    List<Name> zones = config.serverZones();
    Name zone = zones.isEmpty() ? Name.root : zones.get(0);
    LoopPlugin plugin = new LoopPlugin(zone, context);
    context.readiness().register(plugin.readiness());
    return plugin;
  }
}
