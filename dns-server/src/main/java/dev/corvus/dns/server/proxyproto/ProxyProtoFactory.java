package dev.corvus.dns.server.proxyproto;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code proxyproto [{ allow CIDR...; default use|ignore|reject|skip; udp_session_tracking
 * DURATION [MAX] }]}: the PROXY protocol on
 * the block's {@code dns://} (UDP and TCP) and {@code tls://} listeners, and through {@link
 * dev.corvus.dns.api.listener.QueryService#proxyProtocol} on those plugins provide ({@code
 * https://}, {@code quic://}, {@code https3://}), as CoreDNS's {@code proxyproto} plugin.
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
    Duration sessionTtl = Duration.ZERO;
    int maxSessions = ProxyPolicy.DEFAULT_MAX_SESSIONS;
    while (config.nextOption()) {
      switch (config.option()) {
        case "allow" -> {
          // CoreDNS accepts an empty allow: every peer then, as without it.
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
        case "udp_session_tracking" -> {
          sessionTtl = config.nextDuration("udp_session_tracking duration");
          if (config.hasNextArg()) {
            maxSessions = config.nextInt("udp_session_tracking max sessions", 1, Integer.MAX_VALUE);
          }
          config.expectNoMoreArgs();
        }
        default -> throw config.unknownOption(List.of("allow", "default", "udp_session_tracking"));
      }
    }
    return new ProxyPolicy(allow, fallback, fallbackSet, sessionTtl.isNegative() ? Duration.ZERO : sessionTtl,
        maxSessions);
  }
}
