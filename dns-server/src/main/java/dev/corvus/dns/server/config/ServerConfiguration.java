package dev.corvus.dns.server.config;

import dev.corvus.dns.api.plugin.Readiness;
import dev.corvus.dns.server.corefile.Corefile;
import java.util.List;

/**
 * A validated configuration: every block with its plugins created (not started).
 *
 * @param corefile the parsed Corefile
 * @param blocks the server blocks
 * @param readiness the readiness of this configuration's providers
 * @param resolver the resolver its plugins were given, to bind when it starts
 * @param services its readiness providers and exported services
 * @param metrics the metrics its plugins registered; {@link #commit()} makes them live
 */
public record ServerConfiguration(Corefile corefile, List<BlockPlan> blocks, Readiness readiness,
    ResolverSlot resolver, GenerationServices services, StagedMetrics metrics) {

  /** Makes the configuration's computed metrics live; called when it starts serving. */
  public void commit() {
    metrics.commit();
  }

  /** Every plugin of every block, in block and chain order. */
  public List<ConfiguredPlugin> plugins() {
    return blocks.stream().flatMap(b -> b.plugins().stream()).toList();
  }
}
