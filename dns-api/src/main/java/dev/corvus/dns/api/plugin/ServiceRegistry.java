package dev.corvus.dns.api.plugin;

import java.util.List;
import java.util.Optional;

/**
 * Lets one plugin find a service another plugin exports, without a compile dependency between
 * them: the service's type is an interface in {@code dns-api} (for example {@link
 * dev.corvus.dns.api.capability.PodNamespaceLookup}, which the kubernetes plugin exports and {@code autopath} uses).
 *
 * <p>Services are registered while a configuration is created and are visible to every plugin
 * of that configuration from {@link Plugin#start} on.
 */
public interface ServiceRegistry {

  /**
   * Exports {@code service} under {@code type} for the server block being built (and, when no
   * block-local one exists, for the whole configuration).
   */
  <T> void export(Class<T> type, T service);

  /**
   * The service of {@code type} exported in the same server block, else anywhere in the
   * configuration.
   */
  <T> Optional<T> lookup(Class<T> type);

  /**
   * Every service of {@code type} exported in the same server block, in the order they were
   * exported; for a plugin that works with all of them (the {@code transfer} directive and the
   * zones of every {@link dev.corvus.dns.api.capability.ZoneSource} of its block).
   */
  default <T> List<T> lookupAll(Class<T> type) {
    return lookup(type).map(List::of).orElse(List.of());
  }
}
