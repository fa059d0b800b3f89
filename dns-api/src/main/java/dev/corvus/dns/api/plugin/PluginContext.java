package dev.corvus.dns.api.plugin;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.metrics.Metrics;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the server provides to a plugin while it is created. Every service here is implemented by
 * the server; plugins never reach the server's internals.
 */
public interface PluginContext {

  /**
   * Metrics registered here appear on the {@code prometheus} endpoint and survive reloads. A
   * configuration that is being built and then rejected leaves the served metrics as they were.
   */
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

  /**
   * The server's scheduler for timers and short background work (never an I/O thread). Tasks
   * must be short; long blocking work belongs on a plugin's own threads. It is shared: the
   * plugin cannot shut it down (those methods throw {@link UnsupportedOperationException}) and
   * cancels its own tasks in {@link Plugin#stop}.
   */
  ScheduledExecutorService scheduler();

  /** The wall clock, for what users read as dates (load times, certificate validity). */
  Clock clock();

  /**
   * The monotonic clock for intervals: TTLs, timeouts, round trips. Unlike {@link #clock()} it
   * never jumps when the system time is set; tests replace it to control time.
   */
  Ticker ticker();

  /** The server's I/O loops, their timers and sockets, for plugins that talk to other servers. */
  IoLoops ioLoops();

  /**
   * The server block's listener as CoreDNS labels metrics with it, e.g. {@code dns://:53}.
   */
  String serverLabel();

  /**
   * The addresses the server block listens on, from its {@code bind} directive; empty when it
   * listens on every address. For plugins that name this server in answers, as CoreDNS's
   * kubernetes plugin does in the zone's NS records. Known once the whole block is read: call it
   * from {@link Plugin#start} on.
   */
  List<InetAddress> bindAddresses();

  /**
   * A capability beyond the general SPI (see {@code dev.corvus.dns.api.capability}), granted
   * when the plugin's factory declares it in {@link PluginFactory#capabilities()}.
   *
   * @throws IllegalStateException when the factory did not declare {@code type}, or the server
   *     offers no such capability; the message says which
   */
  <T> T capability(Class<T> type);
}
