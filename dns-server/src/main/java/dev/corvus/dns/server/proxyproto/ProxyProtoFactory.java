package dev.corvus.dns.server.proxyproto;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code proxyproto [{ allow CIDR...; default use|ignore|reject|skip }]}: the PROXY protocol on
 * the block's {@code dns://} (UDP and TCP) and {@code tls://} listeners, as CoreDNS's
 * {@code proxyproto} plugin.
 */
public final class ProxyProtoFactory implements PluginFactory {

  @Override
  public String directive() {
    return "proxyproto";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    List<Cidr> allow = new ArrayList<>();
    ProxyPolicy.Action fallback = ProxyPolicy.Action.IGNORE;
    boolean fallbackSet = false;
    while (config.nextOption()) {
      switch (config.option()) {
        case "allow" -> {
          if (!config.hasNextArg()) {
            throw config.error("allow needs at least one CIDR");
          }
          while (config.hasNextArg()) {
            allow.add(config.nextCidr("allow", false));
          }
        }
        case "default" -> {
          String value = config.nextArg("use, ignore, reject or skip");
          config.expectNoMoreArgs();
          try {
            fallback = ProxyPolicy.Action.valueOf(value.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw config.error("default must be use, ignore, reject or skip, not '" + value + "'");
          }
          fallbackSet = true;
        }
        case "udp_session_tracking" -> throw config.error(
            "udp_session_tracking (Cloudflare Spectrum's header-only datagrams) is not supported by Corvus");
        default -> throw config.unknownOption(List.of("allow", "default"));
      }
    }
    return new ProxyPolicy(allow, fallback, fallbackSet);
  }
}
