package dev.corvus.dns.plugin.transfer;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.net.HostPort;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * {@code transfer [ZONES...] { to ADDRESS... | * }}: answers AXFR and IXFR for the zones that
 * {@code file}, {@code auto} and {@code secondary} of the same server block hold, and notifies the
 * {@code to} addresses when one of them changes (CoreDNS's <i>transfer</i>).
 */
@AutoService(PluginFactory.class)
public final class TransferFactory implements PluginFactory {

  static final int DNS_PORT = 53;
  private static final List<String> KNOWN_OPTIONS = List.of("to", "source");

  @Override
  public String directive() {
    return "transfer";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new TransferPlugin(parse(config), context);
  }

  static TransferConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    boolean anyone = false;
    List<InetSocketAddress> to = new ArrayList<>();
    while (config.nextOption()) {
      switch (config.option()) {
        case "to" -> {
          if (!config.hasNextArg()) {
            throw config.error("expected at least one ADDRESS or *");
          }
          while (config.hasNextArg()) {
            String arg = config.nextArg("ADDRESS");
            if (arg.equals("*")) {
              anyone = true;
              continue;
            }
            try {
              to.add(HostPort.parse(arg, DNS_PORT).literalAddress());
            } catch (IllegalArgumentException e) {
              throw config.error("to: expected an IP address, IP:port or *, got \"" + arg + "\": " + e.getMessage());
            }
          }
        }
        case "source" -> throw config.error(
            "source is not supported: NOTIFY messages leave from the address the system picks for each secondary");
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (!anyone && to.isEmpty()) {
      throw config.error("'to' is required");
    }
    return new TransferConfig(zones, anyone, to);
  }
}
