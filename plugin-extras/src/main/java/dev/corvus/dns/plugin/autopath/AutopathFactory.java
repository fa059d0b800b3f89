package dev.corvus.dns.plugin.autopath;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.ResolvConf;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * {@code autopath [ZONE...] RESOLV-CONF|@kubernetes}. A resolv.conf is read here so that an
 * unreadable file fails the configuration, as CoreDNS's setup does.
 */
@AutoService(PluginFactory.class)
public final class AutopathFactory implements PluginFactory {

  @Override
  public String directive() {
    return "autopath";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<String> args = new ArrayList<>(config.remainingArgs());
    if (args.isEmpty()) {
      throw config.error("no resolv-conf specified: expected [ZONE...] RESOLV-CONF|@kubernetes");
    }
    if (config.nextOption()) {
      throw config.error("autopath takes no block");
    }
    String source = args.remove(args.size() - 1);
    List<Name> zones = new ArrayList<>();
    for (String zone : args) {
      try {
        Name name = Names.zone(zone);
        if (!Names.inAny(name, config.serverZones())) {
          throw config.error("zone " + name + " is not in the server block's zones " + config.serverZones());
        }
        zones.add(name);
      } catch (IllegalArgumentException e) {
        throw config.error(e.getMessage());
      }
    }
    if (zones.isEmpty()) {
      zones.addAll(config.serverZones());
    }
    if (source.startsWith("@")) {
      if (!source.equals("@kubernetes")) {
        throw config.error(source.substring(1) + " does not provide search paths; only @kubernetes does");
      }
      return new AutopathPlugin(new AutopathConfig(zones, List.of(), true), context);
    }
    Path resolvConf = config.baseDirectory().resolve(source);
    List<Name> search;
    try {
      search = ResolvConf.read(resolvConf).search();
    } catch (IOException e) {
      throw config.error("failed to read " + resolvConf + ": " + e);
    } catch (IllegalArgumentException e) {
      throw config.error(resolvConf + ": " + e.getMessage());
    }
    return new AutopathPlugin(new AutopathConfig(zones, search, false), context);
  }
}
