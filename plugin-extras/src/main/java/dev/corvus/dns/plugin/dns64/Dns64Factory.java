package dev.corvus.dns.plugin.dns64;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.List;

/** {@code dns64 [PREFIX] { prefix PREFIX; translate_all; allow_ipv4 }}: RFC 6147 AAAA synthesis. */
@AutoService(PluginFactory.class)
public final class Dns64Factory implements PluginFactory {

  private static final List<String> OPTIONS = List.of("prefix", "translate_all", "allow_ipv4");

  @Override
  public String directive() {
    return "dns64";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Dns64Config parsed = parse(config);
    Counter translated = context.metrics().counter("coredns_dns64_requests_translated_total",
        "Counter of DNS requests translated by dns64.", "server");
    return Plugin.of(new Dns64Handler(parsed, context.resolver(), translated.labels(context.serverLabel())));
  }

  static Dns64Config parse(ConfigReader config) throws ConfigException {
    Cidr prefix = Dns64Config.WELL_KNOWN_PREFIX;
    if (config.hasNextArg()) {
      prefix = prefix(config, config.nextArg("PREFIX"));
    }
    config.expectNoMoreArgs();
    boolean translateAll = false;
    boolean allowIpv4 = false;
    while (config.nextOption()) {
      switch (config.option()) {
        case "prefix" -> {
          prefix = prefix(config, config.nextArg("PREFIX"));
          config.expectNoMoreArgs();
        }
        case "translate_all" -> {
          config.expectNoMoreArgs();
          translateAll = true;
        }
        case "allow_ipv4" -> {
          config.expectNoMoreArgs();
          allowIpv4 = true;
        }
        default -> throw config.unknownOption(OPTIONS);
      }
    }
    return new Dns64Config(prefix, translateAll, allowIpv4);
  }

  /** An IPv6 prefix of a length RFC 6052 §2.2 defines: 32, 40, 48, 56, 64 or 96 bits. */
  private static Cidr prefix(ConfigReader config, String text) throws ConfigException {
    Cidr prefix;
    try {
      prefix = Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw config.error(e.getMessage() + ", expected an IPv6 prefix such as 64:ff9b::/96");
    }
    if (prefix.isIpv4()) {
      throw config.error("\"" + text + "\" is an IPv4 network, expected an IPv6 prefix such as 64:ff9b::/96");
    }
    int length = prefix.prefix();
    if (length % 8 != 0 || length < 32 || length > 96) {
      throw config.error("invalid prefix length " + length + " in \"" + text
          + "\": expected /32, /40, /48, /56, /64 or /96 (RFC 6052)");
    }
    return prefix;
  }
}
