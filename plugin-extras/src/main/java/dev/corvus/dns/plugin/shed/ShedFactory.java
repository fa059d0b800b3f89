package dev.corvus.dns.plugin.shed;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;

/**
 * {@code shed}: CoreDNS's UDP load shedding (CoreDNS 2026), mapped onto Corvus's own in-flight
 * bound. While the server is at that bound, this block's UDP queries are dropped before any later
 * plugin runs; TCP passes.
 */
@AutoService(PluginFactory.class)
public final class ShedFactory implements PluginFactory {

  @Override
  public String directive() {
    return "shed";
  }

  /** Where CoreDNS's plugin.cfg puts it: right before prometheus, so a drop is never counted as handled. */
  @Override
  public Placement placement() {
    return Placement.before("prometheus");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    config.expectNoMoreArgs();
    if (config.nextOption()) {
      throw config.error("shed takes no options");
    }
    String server = context.serverLabel();
    if (!server.startsWith("dns://")) {
      throw config.error("only plain DNS server blocks are supported; \"" + server
          + "\" is not plain DNS (shed acts on UDP only)");
    }
    Counter dropped = context.metrics().counter("coredns_shed_dropped_total",
        "Counter of queries and responses dropped, per server, by reason.", "server", "reason");
    return Plugin.of(new ShedHandler(dropped.labels(server, "query")));
  }
}
