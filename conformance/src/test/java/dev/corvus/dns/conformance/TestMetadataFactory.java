package dev.corvus.dns.conformance;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.plugin.Placement;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Test-only directive {@code test_metadata LABEL VALUE...}: publishes fixed metadata labels, as the
 * {@code testProvider} of CoreDNS's tests does ({@code rewrite_test.go}); {@code ""} publishes an
 * empty value. Every conformance server has it.
 */
final class TestMetadataFactory implements PluginFactory {

  @Override
  public String directive() {
    return "test_metadata";
  }

  @Override
  public Placement placement() {
    return Placement.after("metadata");
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Map<String, String> labels = new LinkedHashMap<>();
    while (config.hasNextArg()) {
      String label = config.nextArg("LABEL");
      labels.put(label, config.nextArg("VALUE"));
    }
    MetadataProvider provider = (request, sink) -> labels.forEach((label, value) -> sink.put(label, () -> value));
    return new Plugin() {
      @Override
      public Optional<MetadataProvider> metadata() {
        return Optional.of(provider);
      }
    };
  }
}
