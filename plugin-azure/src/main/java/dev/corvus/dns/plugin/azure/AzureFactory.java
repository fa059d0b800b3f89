package dev.corvus.dns.plugin.azure;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code azure RESOURCE_GROUP:ZONE... { tenant ID; client ID; secret SECRET; subscription ID;
 * environment NAME; fallthrough [ZONES...]; access public|private }}, as CoreDNS reads it, and
 * Corvus's {@code refresh DURATION}.
 */
@AutoService(PluginFactory.class)
public final class AzureFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS =
      List.of("tenant", "client", "secret", "subscription", "environment", "fallthrough", "access", "refresh");

  @Override
  public String directive() {
    return "azure";
  }

  /** CoreDNS gathers every {@code azure} line of a block into one plugin; here each line is one, in order. */
  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new AzurePlugin(parse(config, System::getenv), context, AzureClients::build);
  }

  /** Reads the directive; {@code environment} looks up {@code AZURE_ENVIRONMENT_FILEPATH}. */
  static AzureConfig parse(ConfigReader config, Function<String, String> environment) throws ConfigException {
    List<String[]> written = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String arg : config.remainingArgs()) {
      int colon = arg.indexOf(':');
      if (colon <= 0 || colon == arg.length() - 1) {
        throw config.error("invalid resource group/zone: \"" + arg + "\"");
      }
      if (!seen.add(arg)) {
        throw config.error("conflicting zone: \"" + arg + "\"");
      }
      written.add(new String[] {arg.substring(0, colon), arg.substring(colon + 1), arg});
    }
    Optional<String> tenant = Optional.empty();
    Optional<String> client = Optional.empty();
    Optional<AzureConfig.Secret> secret = Optional.empty();
    Optional<String> subscription = Optional.empty();
    AzureConfig.Cloud cloud = AzureClouds.PUBLIC;
    Fallthrough fallthrough = Fallthrough.NONE;
    boolean isPrivate = false;
    Duration refresh = AzureConfig.DEFAULT_REFRESH;
    while (config.nextOption()) {
      switch (config.option()) {
        case "tenant" -> tenant = Optional.of(single(config, "tenant ID"));
        case "client" -> client = Optional.of(single(config, "client ID"));
        case "secret" -> secret = Optional.of(new AzureConfig.Secret(single(config, "client secret")));
        case "subscription" -> subscription = Optional.of(single(config, "subscription ID"));
        case "environment" -> cloud = AzureClouds.read(config, environment);
        case "fallthrough" -> {
          List<Name> only = new ArrayList<>();
          while (config.hasNextArg()) {
            only.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = Fallthrough.of(only);
        }
        case "access" -> {
          String access = single(config, "access");
          if (!access.equals("public") && !access.equals("private")) {
            throw config.error("invalid access value: can be public/private, found: " + access);
          }
          isPrivate = access.equals("private");
        }
        case "refresh" -> {
          refresh = config.nextDuration("refresh");
          config.expectNoMoreArgs();
          if (refresh.isNegative() || refresh.isZero()) {
            throw config.error("refresh interval must be greater than 0: " + refresh);
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    Map<Name, List<AzureConfig.AzureZone>> zones = new LinkedHashMap<>();
    for (String[] pair : written) {
      String apiName = pair[1].endsWith(".") ? pair[1].substring(0, pair[1].length() - 1) : pair[1];
      Name zone;
      try {
        zone = Name.fromString(apiName.toLowerCase(Locale.ROOT), Name.root);
      } catch (TextParseException e) {
        throw config.error("invalid resource group/zone: \"" + pair[2] + "\": " + e.getMessage());
      }
      // as in CoreDNS, access applies to every zone of the line it is written under
      zones.computeIfAbsent(zone, z -> new ArrayList<>()).add(new AzureConfig.AzureZone(pair[0], apiName, isPrivate));
    }
    if (secret.isPresent() && (tenant.isEmpty() || client.isEmpty())) {
      throw config.error("secret needs tenant and client: a client secret signs in as the application "
          + "CLIENT_ID of the tenant TENANT_ID");
    }
    if (zones.isEmpty()) {
      config.warn("no RESOURCE_GROUP:ZONE given: the plugin serves no zone");
    } else if (subscription.isEmpty()) {
      config.warn("no subscription given: listing the record sets will fail until one is");
    }
    return new AzureConfig(zones, tenant, client, secret, subscription, cloud, fallthrough, refresh);
  }

  private static String single(ConfigReader config, String what) throws ConfigException {
    String value = config.nextArg(what);
    config.expectNoMoreArgs();
    return value;
  }
}
