package dev.corvus.dns.plugin.k8s_external;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import dev.corvus.dns.plugin.kubernetes.ClusterDns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Name;

/**
 * {@code k8s_external [ZONES...] { apex APEX; ttl TTL; headless; fallthrough [ZONES...] }}: the
 * external IPs and LoadBalancer ingress IPs of Services under an external zone, from the data of
 * the {@code kubernetes} directive of the same configuration.
 */
@AutoService(PluginFactory.class)
public final class K8sExternalFactory implements PluginFactory {

  static final List<String> KNOWN_OPTIONS = List.of("apex", "ttl", "headless", "fallthrough");

  @Override
  public String directive() {
    return "k8s_external";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    K8sExternalConfig parsed = parse(config);
    K8sExternalHandler handler = new K8sExternalHandler(parsed, context.resolver());
    return new Plugin() {
      @Override
      public Optional<Handler> handler() {
        return Optional.of(handler);
      }

      @Override
      public CompletionStage<Void> start() {
        ClusterDns cluster =
            context
                .services()
                .lookup(ClusterDns.class)
                .orElseThrow(
                    () -> new IllegalStateException("k8s_external needs the kubernetes plugin in the same configuration"));
        handler.cluster(cluster);
        return Plugin.STARTED;
      }
    };
  }

  static K8sExternalConfig parse(ConfigReader config) throws ConfigException {
    List<Name> zones = config.remainingZonesOrServerZones();
    String apex = K8sExternalConfig.DEFAULT_APEX;
    long ttl = K8sExternalConfig.DEFAULT_TTL;
    boolean headless = false;
    Fallthrough fallthrough = Fallthrough.NONE;
    while (config.nextOption()) {
      switch (config.option()) {
        case "apex" -> {
          apex = config.nextArg("APEX");
          config.expectNoMoreArgs();
        }
        case "ttl" -> {
          ttl = config.nextInt("TTL", 0, 3600);
          config.expectNoMoreArgs();
        }
        case "headless" -> {
          config.expectNoMoreArgs();
          headless = true;
        }
        case "fallthrough" -> {
          if (!config.hasNextArg()) {
            fallthrough = Fallthrough.of(List.of());
          } else {
            List<Name> fallZones = new ArrayList<>();
            while (config.hasNextArg()) {
              fallZones.add(config.nextZone("ZONE"));
            }
            fallthrough = Fallthrough.of(fallZones);
          }
        }
        default -> throw config.unknownOption(KNOWN_OPTIONS);
      }
    }
    return new K8sExternalConfig(zones, apex, ttl, headless, fallthrough);
  }
}
