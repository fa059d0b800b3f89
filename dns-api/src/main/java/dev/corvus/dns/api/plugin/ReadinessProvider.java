package dev.corvus.dns.api.plugin;

/**
 * Something the {@code ready} plugin waits for, e.g. the kubernetes plugin's informers. Register
 * it with {@link PluginContext#readiness}. Called from the readiness endpoint's thread; must be
 * cheap and thread-safe.
 */
public interface ReadinessProvider {

  /** The name reported while not ready, normally the directive. */
  String name();

  /** Whether this part of the server is ready to serve. */
  boolean isReady();
}
