package dev.corvus.dns.server.plugin;

import dev.corvus.dns.api.plugin.PluginFactory;

/**
 * A factory and where it came from.
 *
 * @param factory the factory
 * @param origin its jar
 */
public record LoadedFactory(PluginFactory factory, PluginOrigin origin) {

  /** The directive the factory serves. */
  public String directive() {
    return factory.directive();
  }
}
