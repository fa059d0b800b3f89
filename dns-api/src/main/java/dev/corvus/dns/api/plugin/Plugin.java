package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.metadata.MetadataProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A configured directive: its handler, if it takes part in answering, and its lifecycle. The
 * server starts every plugin of a configuration before it serves that configuration and stops
 * them when it is replaced by a reload or the server shuts down.
 */
public interface Plugin {

  /** The stage of a plugin with nothing to wait for: already complete. */
  CompletionStage<Void> STARTED = CompletableFuture.completedFuture(null);

  /**
   * The handler this plugin contributes to its server block's chain; empty for setup-only
   * directives such as {@code health} or {@code reload}.
   */
  default Optional<Handler> handler() {
    return Optional.empty();
  }

  /**
   * What this plugin publishes for the {@code metadata} directive (labels such as {@code
   * kubernetes/client-namespace} that {@code log}, {@code rewrite} or {@code view} read); empty
   * for plugins that publish nothing.
   */
  default Optional<MetadataProvider> metadata() {
    return Optional.empty();
  }

  /**
   * The filter that decides which queries this plugin's server block serves, as CoreDNS's {@code
   * view} does: blocks with one may share a zone and port with other blocks, tried in Corefile
   * order (see {@link ViewFilter}); empty for plugins that filter nothing.
   */
  default Optional<ViewFilter> view() {
    return Optional.empty();
  }

  /**
   * The connection timeouts this plugin sets for the listeners of its server block (CoreDNS's
   * {@code timeouts} directive); empty for plugins that set none. When several blocks served on
   * one address set them, the later block's given values override the earlier's, option by option
   * ({@link dev.corvus.dns.api.listener.ListenerTimeouts#overriddenBy}). The server reads them
   * when it builds a configuration: its own TCP and TLS listeners apply them to connections
   * accepted from then on, a reload included; a listener plugin gets them in {@link
   * dev.corvus.dns.api.listener.ListenerSpec#timeouts()} when it binds.
   */
  default Optional<dev.corvus.dns.api.listener.ListenerTimeouts> listenerTimeouts() {
    return Optional.empty();
  }

  /**
   * Starts background work: informers, health checks, file watches, HTTP endpoints. Called once,
   * on a thread of the server's (never an I/O thread), before queries reach the handler. It must
   * not wait for that work; it returns a stage instead, which completes when the plugin can serve
   * (the kubernetes plugin: when its informers first synced, or its {@code startup_timeout} ran
   * out). The server serves the configuration once every plugin's stage completed; a shutdown
   * requested meanwhile does not wait for them. Plugins with nothing to wait for return {@link
   * #STARTED}.
   *
   * @return completes when the plugin is ready to serve; exceptionally when it cannot run
   * @throws Exception when the plugin cannot run; the configuration is then not served
   */
  default CompletionStage<Void> start() throws Exception {
    return STARTED;
  }

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
