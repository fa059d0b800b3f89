package dev.corvus.dns.plugin.clouddns;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code clouddns [ZONE:PROJECT_ID:HOSTED_ZONE_NAME...] { credentials FILENAME; fallthrough
 * [ZONES...] }}, as CoreDNS reads it; {@code upstream} is accepted with a warning, as CoreDNS
 * ignores it.
 */
@AutoService(PluginFactory.class)
public final class CloudDnsFactory implements PluginFactory {

  /**
   * For tests only, not an option of the directive: the root URL of the Cloud DNS API
   * ({@code http://127.0.0.1:PORT/}) when it is a stand-in on loopback rather than Google's
   * {@code https://dns.googleapis.com/}.
   */
  static final String ENDPOINT_PROPERTY = "corvus.clouddns.endpoint";
  /**
   * For tests only, not an option of the directive: the refresh period in milliseconds instead of
   * CoreDNS's fixed minute.
   */
  static final String REFRESH_PROPERTY = "corvus.clouddns.refresh";

  private static final List<String> KNOWN_OPTIONS = List.of("credentials", "fallthrough", "upstream");

  @Override
  public String directive() {
    return "clouddns";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    CloudDnsConfig parsed = parse(config);
    String endpoint = System.getProperty(ENDPOINT_PROPERTY);
    if (endpoint != null) {
      parsed = parsed.withEndpoint(URI.create(endpoint));
    }
    String refresh = System.getProperty(REFRESH_PROPERTY);
    if (refresh != null) {
      parsed = parsed.withRefresh(Duration.ofMillis(Long.parseLong(refresh)));
    }
    return new CloudDnsPlugin(parsed, context);
  }

  static CloudDnsConfig parse(ConfigReader config) throws ConfigException {
    Map<Name, List<CloudDnsConfig.ManagedZone>> zones = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (String arg : config.remainingArgs()) {
      // as CoreDNS: split in three at most, so a colon after the second belongs to the zone name
      String[] parts = arg.split(":", 3);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw config.error("invalid zone \"" + arg + "\": expected ZONE:PROJECT_ID:HOSTED_ZONE_NAME");
      }
      if (!seen.add(arg)) {
        throw config.error("conflict zone \"" + arg + "\": given twice");
      }
      Name zone;
      try {
        zone = Name.fromString(parts[0].toLowerCase(Locale.ROOT), Name.root);
      } catch (TextParseException e) {
        throw config.error("invalid zone \"" + arg + "\": " + e.getMessage());
      }
      zones.computeIfAbsent(zone, z -> new ArrayList<>()).add(new CloudDnsConfig.ManagedZone(parts[1], parts[2]));
    }
    Optional<CloudDnsConfig.Credentials> credentials = Optional.empty();
    Fallthrough fallthrough = Fallthrough.NONE;
    while (config.nextOption()) {
      switch (config.option()) {
        case "credentials" -> {
          Path file = config.nextPath("credentials file");
          config.expectNoMoreArgs();
          credentials = Optional.of(new CloudDnsConfig.Credentials(file, CredentialsFile.type(config, file)));
        }
        case "fallthrough" -> {
          List<Name> only = new ArrayList<>();
          while (config.hasNextArg()) {
            only.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = Fallthrough.of(only);
        }
        case "upstream" -> {
          config.remainingArgs();
          config.warn("upstream has no effect (CoreDNS ignores it too)");
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new CloudDnsConfig(zones, credentials, fallthrough, CloudDnsConfig.DEFAULT_REFRESH, Optional.empty());
  }
}
