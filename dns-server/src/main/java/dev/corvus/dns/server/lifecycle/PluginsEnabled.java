package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.api.metrics.Metrics.Sample;
import dev.corvus.dns.server.config.BlockPlan;
import dev.corvus.dns.server.config.ConfiguredPlugin;
import dev.corvus.dns.server.config.ServerConfiguration;
import dev.corvus.dns.server.corefile.ServerKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The samples of CoreDNS's {@code coredns_plugin_enabled{server,zone,view,name}} for a configuration. */
public final class PluginsEnabled {

  private PluginsEnabled() {}

  /** One sample of value 1 per server, zone and directive; none without a configuration. */
  public static List<Sample> samples(ServerConfiguration configuration) {
    if (configuration == null) {
      return List.of();
    }
    Set<List<String>> labels = new LinkedHashSet<>();
    for (BlockPlan plan : configuration.blocks()) {
      for (ServerKey key : plan.block().keys()) {
        String server = key.scheme().prefix() + "://:" + key.port();
        for (ConfiguredPlugin plugin : plan.plugins()) {
          labels.add(List.of(server, key.zone().toString(), "", plugin.directive()));
        }
      }
    }
    List<Sample> samples = new ArrayList<>(labels.size());
    labels.forEach(l -> samples.add(new Sample(l, 1)));
    return samples;
  }
}
