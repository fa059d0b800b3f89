package dev.corvus.dns.plugin.multisocket;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/**
 * {@code multisocket [NUM_SOCKETS]}: checked as CoreDNS checks it (1 to 1024), then accepted with a
 * warning and no effect: Corvus's listeners already spread a port over the I/O threads.
 */
@AutoService(PluginFactory.class)
public final class MultisocketFactory implements PluginFactory {

  /** CoreDNS's maximum. */
  static final int MAX_SOCKETS = 1024;

  @Override
  public String directive() {
    return "multisocket";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    String count = "the default";
    if (config.hasNextArg()) {
      String arg = config.nextArg("NUM_SOCKETS");
      int n;
      try {
        n = Integer.parseInt(arg);
      } catch (NumberFormatException e) {
        throw config.error("invalid num sockets: " + arg);
      }
      if (n < 1) {
        throw config.error("num sockets can not be zero or negative: " + n);
      }
      if (n > MAX_SOCKETS) {
        throw config.error("num sockets exceeds maximum (" + MAX_SOCKETS + "): " + n);
      }
      count = Integer.toString(n);
    }
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.unknownOption(List.of());
    }
    config.warn("multisocket " + count + " has no effect: Corvus already serves each port from every I/O"
        + " thread (SO_REUSEPORT UDP sockets with the epoll transport)");
    return Plugin.none();
  }
}
