package dev.corvus.dns.plugin.nomad;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * {@code nomad [ZONE] { address URL...; filter FILTER; token TOKEN; ttl SECONDS }}, as CoreDNS
 * reads it. As the Nomad Go SDK does, {@code NOMAD_ADDR} and {@code NOMAD_TOKEN} are the defaults
 * of {@code address} and {@code token}.
 */
@AutoService(PluginFactory.class)
public final class NomadFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("address", "filter", "token", "ttl");

  private final Map<String, String> environment;

  /** The factory the server loads: defaults from the process environment. */
  public NomadFactory() {
    this(System.getenv());
  }

  NomadFactory(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String directive() {
    return "nomad";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new NomadPlugin(parse(config), context);
  }

  NomadConfig parse(ConfigReader config) throws ConfigException {
    Name zone = config.hasNextArg() ? config.nextZone("zone") : Name.fromConstantString(NomadConfig.DEFAULT_ZONE);
    config.remainingArgs();
    List<URI> addresses = new ArrayList<>();
    String filter = "";
    Optional<String> token = Optional.ofNullable(environment.get("NOMAD_TOKEN")).filter(t -> !t.isEmpty());
    long ttl = NomadConfig.DEFAULT_TTL;
    while (config.nextOption()) {
      switch (config.option().toLowerCase(Locale.ROOT)) {
        case "address" -> {
          List<String> urls = config.remainingArgs();
          if (urls.isEmpty()) {
            throw config.error("at least one address is required");
          }
          for (String url : urls) {
            addresses.add(address(config, url));
          }
        }
        case "filter" -> {
          List<String> args = config.remainingArgs();
          if (args.size() != 1) {
            throw config.error("exactly one filter is required");
          }
          filter = args.get(0);
        }
        case "token" -> {
          List<String> args = config.remainingArgs();
          if (args.size() != 1) {
            throw config.error("exactly one token is required");
          }
          token = Optional.of(args.get(0));
        }
        case "ttl" -> {
          List<String> args = config.remainingArgs();
          if (args.size() != 1) {
            throw config.error("exactly one ttl value is required");
          }
          try {
            ttl = Long.parseLong(args.get(0));
          } catch (NumberFormatException e) {
            throw config.error("error parsing ttl: \"" + args.get(0) + "\" is not a number of seconds");
          }
          if (ttl < 0 || ttl > 3600) {
            throw config.error("ttl must be in range [0, 3600]: " + ttl);
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    if (addresses.isEmpty()) {
      String fromEnvironment = environment.getOrDefault("NOMAD_ADDR", "");
      addresses.add(address(config, fromEnvironment.isEmpty() ? NomadConfig.DEFAULT_ADDRESS : fromEnvironment));
    }
    return new NomadConfig(zone, addresses, filter, token, ttl);
  }

  private static URI address(ConfigReader config, String url) throws ConfigException {
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw config.error("expected an http:// or https:// address such as http://127.0.0.1:4646, got \"" + url + "\"");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw config.error("expected an address such as http://127.0.0.1:4646, got \"" + url + "\": " + e.getReason());
    }
  }
}
