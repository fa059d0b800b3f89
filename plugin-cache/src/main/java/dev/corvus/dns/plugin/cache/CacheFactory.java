package dev.corvus.dns.plugin.cache;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The {@code cache} directive: a positive and a negative answer cache in front of the rest of the
 * chain, with CoreDNS's syntax and defaults.
 *
 * <pre>
 * cache [TTL] [ZONES...] {
 *     success CAPACITY [TTL] [MINTTL]
 *     denial CAPACITY [TTL] [MINTTL]
 *     prefetch AMOUNT [[DURATION] [PERCENTAGE%]]
 *     serve_stale [DURATION] [immediate|verify]
 *     servfail DURATION
 *     disable success|denial [ZONES...]
 *     keepttl
 * }
 * </pre>
 */
@AutoService(PluginFactory.class)
public final class CacheFactory implements PluginFactory {

  static final String DIRECTIVE = "cache";
  private static final List<String> KNOWN_OPTIONS =
      List.of("success", "denial", "prefetch", "serve_stale", "servfail", "disable", "keepttl");

  @Override
  public String directive() {
    return DIRECTIVE;
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    CacheConfig cacheConfig = parse(config);
    CacheMetrics metrics = new CacheMetrics(context.metrics(), context.serverLabel(), cacheConfig.zones());
    CacheHandler handler = new CacheHandler(cacheConfig, metrics, context.clock(), context.ticker());
    CacheEntries.register(context.metrics(), handler);
    context.inspectors().register(new CacheInspector(handler, context.serverLabel()));
    return Plugin.of(handler);
  }

  /** Reads the directive's arguments and block into a validated configuration. */
  static CacheConfig parse(ConfigReader config) throws ConfigException {
    List<String> args = new ArrayList<>(config.remainingArgs());
    CacheConfig.Tier success =
        new CacheConfig.Tier(
            CacheConfig.DEFAULT_CAPACITY, CacheConfig.DEFAULT_SUCCESS_MAX_TTL, CacheConfig.DEFAULT_MIN_TTL);
    CacheConfig.Tier denial =
        new CacheConfig.Tier(
            CacheConfig.DEFAULT_CAPACITY, CacheConfig.DEFAULT_DENIAL_MAX_TTL, CacheConfig.DEFAULT_MIN_TTL);
    // CoreDNS takes a leading integer as the TTL cap of both caches and anything else as a zone.
    if (!args.isEmpty() && isInteger(args.get(0))) {
      long ttl = Long.parseLong(args.remove(0));
      if (ttl <= 0) {
        throw config.error("cache TTL can not be zero or negative: " + ttl);
      }
      success = success.withMaxTtl(Duration.ofSeconds(ttl));
      denial = denial.withMaxTtl(Duration.ofSeconds(ttl));
    }
    List<Name> zones = args.isEmpty() ? config.serverZones() : zones(config, args);

    Optional<CacheConfig.Prefetch> prefetch = Optional.empty();
    Optional<CacheConfig.ServeStale> serveStale = Optional.empty();
    Duration servfailTtl = CacheConfig.DEFAULT_SERVFAIL_TTL;
    List<Name> successDisabled = List.of();
    List<Name> denialDisabled = List.of();
    boolean keepTtl = false;

    while (config.nextOption()) {
      switch (config.option()) {
        case "success" -> success = tier(config, success);
        case "denial" -> denial = tier(config, denial);
        case "prefetch" -> prefetch = prefetch(config);
        case "serve_stale" -> serveStale = serveStale(config);
        case "servfail" -> servfailTtl = servfail(config);
        case "disable" -> {
          String which = config.nextArg("success or denial");
          List<String> rest = config.remainingArgs();
          List<Name> disabled = rest.isEmpty() ? List.of(Name.root) : zones(config, rest);
          switch (which) {
            case "success" -> successDisabled = disabled;
            case "denial" -> denialDisabled = disabled;
            default -> throw config.error("cache type for disable must be \"success\" or \"denial\", got \"" + which + "\"");
          }
        }
        case "keepttl" -> {
          config.expectNoMoreArgs();
          keepTtl = true;
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new CacheConfig(
        zones, success, denial, prefetch, serveStale, servfailTtl, successDisabled, denialDisabled, keepTtl);
  }

  private static CacheConfig.Tier tier(ConfigReader config, CacheConfig.Tier tier) throws ConfigException {
    CacheConfig.Tier result = tier.withCapacity(config.nextInt("CAPACITY", 1, Integer.MAX_VALUE));
    if (config.hasNextArg()) {
      result = result.withMaxTtl(Duration.ofSeconds(config.nextInt("TTL", 1, Integer.MAX_VALUE)));
    }
    if (config.hasNextArg()) {
      result = result.withMinTtl(Duration.ofSeconds(config.nextInt("MINTTL", 0, Integer.MAX_VALUE)));
    }
    config.expectNoMoreArgs();
    return result;
  }

  private static Optional<CacheConfig.Prefetch> prefetch(ConfigReader config) throws ConfigException {
    int amount = config.nextInt("AMOUNT", 0, Integer.MAX_VALUE);
    Duration window = CacheConfig.Prefetch.DEFAULT_WINDOW;
    int percentage = CacheConfig.Prefetch.DEFAULT_PERCENTAGE;
    if (config.hasNextArg()) {
      window = config.nextDuration("DURATION");
    }
    if (config.hasNextArg()) {
      String text = config.nextArg("PERCENTAGE%");
      if (!text.endsWith("%") || !isInteger(text.substring(0, text.length() - 1))) {
        throw config.error("percentage must be an integer followed by %, got \"" + text + "\"");
      }
      percentage = Integer.parseInt(text.substring(0, text.length() - 1));
      if (percentage < 10 || percentage > 90) {
        throw config.error("percentage should fall in range [10, 90]: " + percentage);
      }
    }
    config.expectNoMoreArgs();
    // CoreDNS treats an AMOUNT of 0 as prefetch switched off.
    return amount == 0 ? Optional.empty() : Optional.of(new CacheConfig.Prefetch(amount, window, percentage));
  }

  private static Optional<CacheConfig.ServeStale> serveStale(ConfigReader config) throws ConfigException {
    Duration maxStale = CacheConfig.ServeStale.DEFAULT_MAX_STALE;
    boolean verify = false;
    if (config.hasNextArg()) {
      maxStale = config.nextDuration("DURATION");
      if (maxStale.isNegative()) {
        throw config.error("invalid negative duration for serve_stale: " + maxStale);
      }
    }
    if (config.hasNextArg()) {
      String mode = config.nextArg("REFRESH_MODE").toLowerCase(Locale.ROOT);
      switch (mode) {
        case "immediate" -> verify = false;
        case "verify" -> verify = true;
        default -> throw config.error("invalid value for serve_stale refresh mode: " + mode
            + " (expected immediate or verify)");
      }
    }
    config.expectNoMoreArgs();
    return maxStale.isZero() ? Optional.empty() : Optional.of(new CacheConfig.ServeStale(maxStale, verify));
  }

  private static Duration servfail(ConfigReader config) throws ConfigException {
    Duration ttl = config.nextDuration("DURATION");
    config.expectNoMoreArgs();
    if (ttl.isNegative()) {
      throw config.error("invalid negative ttl for servfail: " + ttl);
    }
    if (ttl.compareTo(CacheConfig.MAX_SERVFAIL_TTL) > 0) {
      throw config.error("caching SERVFAIL responses over 5 minutes is not permitted (RFC 2308 §7.1)");
    }
    return ttl;
  }

  private static List<Name> zones(ConfigReader config, List<String> texts) throws ConfigException {
    List<Name> zones = new ArrayList<>(texts.size());
    for (String text : texts) {
      try {
        zones.add(Names.zone(text));
      } catch (IllegalArgumentException e) {
        throw config.error("invalid zone: " + text);
      }
    }
    return zones;
  }

  private static boolean isInteger(String text) {
    if (text.isEmpty()) {
      return false;
    }
    int start = text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0;
    if (start == text.length() || text.length() - start > 18) {
      return false;
    }
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
