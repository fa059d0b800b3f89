package dev.corvus.dns.plugin.admin;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.capability.ServerControl;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code admin [ADDRESS] { allow CIDR...; flush }} directive: an HTTP endpoint for operators
 * with {@code /explain}, {@code /config} and {@code /inspect/TOPIC}. It listens on {@code
 * 127.0.0.1:9154} unless told otherwise and answers only loopback clients unless {@code allow}
 * names more networks.
 */
@AutoService(PluginFactory.class)
public final class AdminFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("allow", "flush", "profile");

  @Override
  public String directive() {
    return "admin";
  }

  @Override
  public Placement placement() {
    return Placement.after("ready");
  }

  /** The explanations, configuration status and inspectors it serves are the server's. */
  @Override
  public Set<Class<?>> capabilities() {
    return Set.of(ServerControl.class);
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new AdminPlugin(parse(config), context, context.capability(ServerControl.class));
  }

  static AdminConfig parse(ConfigReader config) throws ConfigException {
    InetSocketAddress address = config.hasNextArg()
        ? config.nextAddress("ADDRESS", AdminConfig.DEFAULT_PORT)
        : new InetSocketAddress(InetAddress.getLoopbackAddress(), AdminConfig.DEFAULT_PORT);
    config.expectNoMoreArgs();
    List<Cidr> allowed = new ArrayList<>();
    boolean flush = false;
    boolean profile = false;
    while (config.nextOption()) {
      switch (config.option()) {
        case "allow" -> {
          if (!config.hasNextArg()) {
            throw config.error("allow needs at least one CIDR, e.g. allow 10.0.0.0/8");
          }
          while (config.hasNextArg()) {
            allowed.add(config.nextCidr("CIDR", true));
          }
        }
        case "flush" -> {
          config.expectNoMoreArgs();
          flush = true;
        }
        case "profile" -> {
          config.expectNoMoreArgs();
          profile = true;
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new AdminConfig(address, allowed, flush, profile);
  }
}
