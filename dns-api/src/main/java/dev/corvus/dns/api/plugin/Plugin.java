package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.Handler;
import java.time.Duration;
import java.util.Optional;

/**
 * A configured directive: its handler, if it takes part in answering, and its lifecycle. The
 * server starts every plugin of a configuration before it serves that configuration and stops
 * them when it is replaced by a reload or the server shuts down.
 */
public interface Plugin {

  /**
   * The handler this plugin contributes to its server block's chain; empty for setup-only
   * directives such as {@code health} or {@code reload}.
   */
  default Optional<Handler> handler() {
    return Optional.empty();
  }

  /**
   * Starts background work: informers, health checks, file watches, HTTP endpoints. Called once,
   * before queries reach the handler. May return before the work is done; report completion
   * through a {@link ReadinessProvider}.
   *
   * @throws Exception when the plugin cannot run; the configuration is then not served
   */
  default void start() throws Exception {}

  /**
   * Stops background work and releases resources. Called once, after queries stopped reaching
   * the handler; must not throw.
   */
  default void stop() {}

  /**
   * How long the server keeps answering after a shutdown was requested and before it stops
   * listening, so that load balancers notice (CoreDNS {@code health}'s {@code lameduck}). The
   * server waits the longest of all plugins' durations.
   */
  default Duration lameduck() {
    return Duration.ZERO;
  }

  /** A plugin with only a handler. */
  static Plugin of(Handler handler) {
    return new Plugin() {
      @Override
      public Optional<Handler> handler() {
        return Optional.of(handler);
      }
    };
  }

  /** A setup-only plugin with nothing to do. */
  static Plugin none() {
    return new Plugin() {};
  }
}
