package dev.corvus.dns.plugin.prometheus;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The {@code prometheus [ADDRESS] { runtime_metrics }} directive: serves every registered metric
 * at {@code /metrics} and records CoreDNS's per-query metrics for its server block.
 */
@AutoService(PluginFactory.class)
public class PrometheusFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("runtime_metrics");

  @Override
  public String directive() {
    return "prometheus";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    return new PrometheusPlugin(parse(config), context);
  }

  static PrometheusConfig parse(ConfigReader config) throws ConfigException {
    InetSocketAddress address = config.hasNextArg()
        ? config.nextAddress("ADDRESS", PrometheusConfig.DEFAULT_PORT)
        : PrometheusConfig.defaultAddress();
    config.expectNoMoreArgs();
    while (config.nextOption()) {
      switch (config.option()) {
        case "runtime_metrics" -> {
          config.expectNoMoreArgs();
          config.warn("runtime_metrics selects Go runtime metrics and has no effect here; JVM metrics are always exported");
        }
        case "tls" -> throw config.error("tls is not supported: /metrics is served over plain HTTP");
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new PrometheusConfig(address);
  }
}
