package dev.corvus.dns.api.plugin;

/**
 * Where plugins register their {@link Inspector}s. Registrations belong to the configuration
 * being built and disappear with it on reload.
 */
public interface Inspectors {

  /** Makes {@code inspector} visible to the admin endpoint. */
  void register(Inspector inspector);
}
