package dev.corvus.dns.plugin.route53;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code route53 [ZONE:HOSTED_ZONE_ID...] { aws_access_key [ID KEY]; aws_endpoint ENDPOINT;
 * credentials PROFILE [FILENAME]; fallthrough [ZONES...]; refresh DURATION }}, as CoreDNS reads
 * it; {@code upstream} is accepted with a warning, as CoreDNS ignores it.
 */
@AutoService(PluginFactory.class)
public final class Route53Factory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS =
      List.of("aws_access_key", "aws_endpoint", "credentials", "fallthrough", "refresh", "upstream");

  @Override
  public String directive() {
    return "route53";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new Route53Plugin(parse(config), context, Route53Clients::build);
  }

  static Route53Config parse(ConfigReader config) throws ConfigException {
    Map<Name, List<String>> zones = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (String arg : config.remainingArgs()) {
      int colon = arg.indexOf(':');
      if (colon <= 0 || colon == arg.length() - 1) {
        throw config.error("invalid zone \"" + arg + "\": expected ZONE:HOSTED_ZONE_ID");
      }
      if (!seen.add(arg)) {
        throw config.error("conflict zone \"" + arg + "\": given twice");
      }
      Name zone;
      try {
        zone = Name.fromString(arg.substring(0, colon).toLowerCase(java.util.Locale.ROOT), Name.root);
      } catch (TextParseException e) {
        throw config.error("invalid zone \"" + arg + "\": " + e.getMessage());
      }
      zones.computeIfAbsent(zone, z -> new ArrayList<>()).add(arg.substring(colon + 1));
    }
    Optional<Route53Config.AccessKey> accessKey = Optional.empty();
    Optional<URI> endpoint = Optional.empty();
    Optional<Route53Config.Profile> profile = Optional.empty();
    Fallthrough fallthrough = Fallthrough.NONE;
    Duration refresh = Route53Config.DEFAULT_REFRESH;
    while (config.nextOption()) {
      switch (config.option()) {
        case "aws_access_key" -> {
          List<String> args = config.remainingArgs();
          if (args.size() < 2) {
            throw config.error("invalid access key: expected ID and KEY, got " + args);
          }
          accessKey = Optional.of(new Route53Config.AccessKey(args.get(0), args.get(1)));
          config.warn("aws_access_key in a Corefile is deprecated (as in CoreDNS): prefer the environment or a "
              + "credentials file");
        }
        case "aws_endpoint" -> {
          endpoint = Optional.of(endpoint(config, config.nextArg("endpoint")));
          config.expectNoMoreArgs();
        }
        case "credentials" -> {
          String name = config.nextArg("profile");
          Optional<Path> file = config.hasNextArg() ? Optional.of(config.nextPath("credentials file")) : Optional.empty();
          config.expectNoMoreArgs();
          profile = Optional.of(new Route53Config.Profile(name, file));
        }
        case "fallthrough" -> {
          List<Name> only = new ArrayList<>();
          while (config.hasNextArg()) {
            only.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = Fallthrough.of(only);
        }
        case "refresh" -> {
          refresh = config.nextDuration("refresh");
          config.expectNoMoreArgs();
          if (refresh.isNegative() || refresh.isZero()) {
            throw config.error("refresh interval must be greater than 0: " + refresh);
          }
        }
        case "upstream" -> {
          config.remainingArgs();
          config.warn("upstream has no effect (CoreDNS ignores it too)");
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new Route53Config(zones, accessKey, endpoint, profile, fallthrough, refresh);
  }

  private static URI endpoint(ConfigReader config, String url) throws ConfigException {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw config.error("expected an endpoint URL such as https://route53.amazonaws.com, got \"" + url + "\"");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw config.error("expected an endpoint URL such as https://route53.amazonaws.com, got \"" + url + "\": "
          + e.getReason());
    }
  }
}
