package dev.corvus.dns.server.config;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * {@code bind ADDRESS|INTERFACE... [{ except ADDRESS|INTERFACE... }]}: the addresses a server
 * block listens on instead of all of them. Read by the server when it builds listeners.
 */
public final class BindFactory implements PluginFactory {

  /**
   * The addresses a block is bound to.
   *
   * @param addresses the addresses, never empty
   */
  public record BindAddresses(List<InetAddress> addresses) implements Plugin {}

  @Override
  public String directive() {
    return "bind";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    List<InetAddress> addresses = new ArrayList<>();
    if (!config.hasNextArg()) {
      throw config.error("expected at least one address or interface");
    }
    for (String arg : config.remainingArgs()) {
      addresses.addAll(resolve(config, arg));
    }
    while (config.nextOption()) {
      if (!"except".equals(config.option())) {
        throw config.unknownOption(Set.of("except"));
      }
      if (!config.hasNextArg()) {
        throw config.error("expected at least one address or interface to exclude");
      }
      for (String arg : config.remainingArgs()) {
        addresses.removeAll(resolve(config, arg));
      }
    }
    if (addresses.isEmpty()) {
      throw config.error("no address left to bind to");
    }
    return new BindAddresses(List.copyOf(addresses));
  }

  private static List<InetAddress> resolve(ConfigReader config, String arg) throws ConfigException {
    try {
      return List.of(Names.parseAddressLiteral(arg));
    } catch (IllegalArgumentException notAnAddress) {
      try {
        NetworkInterface nic = NetworkInterface.getByName(arg);
        if (nic != null) {
          return Collections.list(nic.getInetAddresses());
        }
      } catch (SocketException e) {
        throw config.error("cannot read interface " + arg + ": " + e.getMessage());
      }
      throw config.error("'" + arg + "' is neither an IP address nor a network interface");
    }
  }
}
