package dev.corvus.dns.plugin.etcd;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * {@code etcd [ZONES...] { fallthrough [ZONES...]; path PATH; endpoint URL...; credentials USER
 * PASSWORD; tls [CERT KEY] [CA]; min-lease-ttl DURATION; max-lease-ttl DURATION }}, as CoreDNS
 * reads it; {@code stubzones}, {@code debug} and {@code upstream} are accepted with a warning, as
 * CoreDNS ignores them.
 */
@AutoService(PluginFactory.class)
public final class EtcdFactory implements PluginFactory {

  private static final List<String> KNOWN_OPTIONS = List.of("fallthrough", "path", "endpoint", "credentials",
      "tls", "min-lease-ttl", "max-lease-ttl", "stubzones", "debug", "upstream");

  @Override
  public String directive() {
    return "etcd";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    EtcdConfig etcd = parse(config);
    return new EtcdPlugin(etcd, context);
  }

  static EtcdConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    Fallthrough fallthrough = Fallthrough.NONE;
    String path = EtcdConfig.DEFAULT_PATH;
    List<URI> endpoints = List.of(EtcdConfig.DEFAULT_ENDPOINT);
    Optional<EtcdConfig.Credentials> credentials = Optional.empty();
    Optional<TlsFiles> tls = Optional.empty();
    long minLeaseTtl = EtcdConfig.DEFAULT_MIN_LEASE_TTL;
    long maxLeaseTtl = EtcdConfig.DEFAULT_MAX_LEASE_TTL;
    while (config.nextOption()) {
      switch (config.option()) {
        case "fallthrough" -> {
          List<Name> only = new ArrayList<>();
          while (config.hasNextArg()) {
            only.add(config.nextZone("fallthrough zone"));
          }
          fallthrough = Fallthrough.of(only);
        }
        case "path" -> {
          path = config.nextArg("path");
          config.expectNoMoreArgs();
        }
        case "endpoint" -> {
          List<String> urls = config.remainingArgs();
          if (urls.isEmpty()) {
            throw config.error("expected at least one endpoint URL");
          }
          List<URI> parsed = new ArrayList<>();
          for (String url : urls) {
            parsed.add(endpoint(config, url));
          }
          endpoints = parsed;
        }
        case "credentials" -> {
          List<String> args = config.remainingArgs();
          if (args.size() != 2) {
            throw config.error("credentials requires 2 arguments, username and password");
          }
          credentials = Optional.of(new EtcdConfig.Credentials(args.get(0), args.get(1)));
        }
        case "tls" -> tls = Optional.of(config.remainingTlsFiles());
        case "min-lease-ttl" -> minLeaseTtl = leaseTtl(config, "min-lease-ttl");
        case "max-lease-ttl" -> maxLeaseTtl = leaseTtl(config, "max-lease-ttl");
        case "stubzones", "debug", "upstream" -> {
          config.remainingArgs();
          config.warn(config.option() + " has no effect (CoreDNS ignores it too)");
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new EtcdConfig(zones, fallthrough, path, endpoints, credentials, tls, minLeaseTtl, maxLeaseTtl);
  }

  private static URI endpoint(ConfigReader config, String url) throws ConfigException {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw config.error("expected an endpoint URL such as http://127.0.0.1:2379, got \"" + url + "\"");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw config.error("expected an endpoint URL such as http://127.0.0.1:2379, got \"" + url + "\": "
          + e.getReason());
    }
  }

  /** CoreDNS's lease TTLs: a bare number is seconds, else a Go duration; at most 2^32-1 s. */
  private static long leaseTtl(ConfigReader config, String what) throws ConfigException {
    Duration d = config.nextDuration(what);
    config.expectNoMoreArgs();
    if (d.isNegative()) {
      throw config.error("invalid " + what + " value: TTL must be non-negative");
    }
    if (d.getSeconds() > 0xFFFF_FFFFL) {
      throw config.error("invalid " + what + " value: TTL too large, maximum is 4294967295 seconds");
    }
    return d.getSeconds();
  }
}
