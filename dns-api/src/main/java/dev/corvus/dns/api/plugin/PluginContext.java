package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.metrics.Metrics;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the server provides to a plugin while it is created. Every service here is implemented by
 * the server; plugins never reach the server's internals.
 */
public interface PluginContext {

  /** Metrics registered here appear on the {@code prometheus} endpoint and survive reloads. */
  Metrics metrics();

  /** Where to register what the {@code ready} plugin waits for. */
  Readiness readiness();

  /** Services exported by other plugins, and where to export this plugin's own. */
  ServiceRegistry services();

  /** Sends queries through the server itself; usable from {@link Plugin#start} on. */
  Resolver resolver();

  /** Shared HTTP listeners for operational endpoints. */
  HttpEndpoints http();

  /** Where the plugin registers what the admin endpoint shows about it. */
  Inspectors inspectors();

  /**
   * Registers {@code observer} for every response of this server block; call it from {@link
   * PluginFactory#create}, the block's chain is assembled right after.
   */
  void observeResponses(ResponseObserver observer);

  /** The configuration's source and the reload entry point. */
  ServerControl server();

  /**
   * A scheduler for timers and background work (never an I/O thread). Tasks must be short; long
   * blocking work belongs on a plugin's own threads.
   */
  ScheduledExecutorService scheduler();

  /** The clock to use for TTLs and timeouts, so tests can control time. */
  Clock clock();

  /**
   * The server block's listener as CoreDNS labels metrics with it, e.g. {@code dns://:53}.
   */
  String serverLabel();
}
