package dev.corvus.dns.plugin.prometheus;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.PluginFactory;

/** {@code metrics}: another name for {@code prometheus}, with the same syntax and behaviour. */
@AutoService(PluginFactory.class)
public final class MetricsAliasFactory extends PrometheusFactory {

  @Override
  public String directive() {
    return "metrics";
  }

  @Override
  public Placement placement() {
    return Placement.after("prometheus");
  }
}
