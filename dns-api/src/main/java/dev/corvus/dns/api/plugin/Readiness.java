package dev.corvus.dns.api.plugin;

import java.util.List;

/** The server's readiness, aggregated over every registered {@link ReadinessProvider}. */
public interface Readiness {

  /**
   * Adds a provider for the configuration being built; it is dropped when that configuration is
   * replaced.
   */
  void register(ReadinessProvider provider);

  /**
   * The names of the providers that are not ready, plus {@code "shutdown"} while the server is
   * shutting down; empty when the server is ready.
   */
  List<String> notReady();
}
