package dev.corvus.dns.cloudzones;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.ReadinessProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.xbill.DNS.Name;

/**
 * What a cloud DNS directive does once its vendor's zones can be listed: the records of every
 * listed zone kept in memory, listed again on a thread of the directive's own every refresh
 * period, and answered from memory on the I/O thread as CoreDNS's route53, clouddns and azure
 * plugins answer. A plugin builds one from its validated config, registers {@link #readiness()},
 * returns {@link #handler()} and passes its {@link RecordSource} to {@link #start}.
 *
 * <p>The server starts serving once every listed zone was listed, or after
 * {@link #STARTUP_WAIT_SECONDS} without it; then the zones answer SERVFAIL until the listing
 * succeeds, and the readiness provider reports the directive not ready. CoreDNS instead refuses
 * to start when the first listing fails.
 *
 * @param <S> how the vendor names a listed zone (a hosted zone ID, a project and managed zone)
 */
public final class CloudZones<S> {

  /** How long {@link #start} waits for the first listing before the server serves without it. */
  public static final long STARTUP_WAIT_SECONDS = 5;

  private final String directive;
  private final ZoneTable<S> table;
  private final ZoneTableHandler handler;
  private final ReadinessProvider readiness;
  private ScheduledExecutorService thread;
  private RecordSource<S> source;

  /**
   * The zones of one directive, nothing listed yet.
   *
   * @param directive the directive's name, for logs, the thread's name and readiness
   * @param zones each zone and the listed zones that serve it, asked in this order
   * @param fallthrough which names without records go to the next plugin
   */
  public CloudZones(String directive, Map<Name, List<S>> zones, Fallthrough fallthrough) {
    this.directive = directive;
    this.table = new ZoneTable<>(zones);
    this.handler = new ZoneTableHandler(table, fallthrough);
    this.readiness = new ReadinessProvider() {
      @Override
      public String name() {
        return directive;
      }

      @Override
      public boolean isReady() {
        return handler.isLoaded();
      }
    };
  }

  /** Answers the zones from memory; SERVFAIL until every listed zone was listed once. */
  public Handler handler() {
    return handler;
  }

  /** Ready once every listed zone was listed once; named after the directive. */
  public ReadinessProvider readiness() {
    return readiness;
  }

  /**
   * Runs {@code build} (a vendor SDK's client or record source) with {@code owner}'s class loader as
   * the thread's context class loader: SDKs find their HTTP clients, serializers and interceptors
   * through it, and a plugin folder has a class loader of its own, not the server's. The refresh
   * thread has that class loader too.
   */
  public static <T> T withClassLoaderOf(Class<?> owner, Supplier<T> build) {
    Thread current = Thread.currentThread();
    ClassLoader previous = current.getContextClassLoader();
    current.setContextClassLoader(owner.getClassLoader());
    try {
      return build.get();
    } finally {
      current.setContextClassLoader(previous);
    }
  }

  /**
   * Starts listing on a new daemon thread, at once and then {@code period} after each refresh
   * ended; the thread's context class loader is {@code source}'s.
   *
   * @return completes when every listed zone was listed once, or after
   *     {@link #STARTUP_WAIT_SECONDS}, whichever comes first
   */
  public synchronized CompletionStage<Void> start(PluginContext context, RecordSource<S> recordSource,
      Duration period) {
    handler.resolver(context.resolver());
    this.source = recordSource;
    ClassLoader own = recordSource.getClass().getClassLoader();
    thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, directive + "-refresh " + table.names());
      t.setDaemon(true);
      t.setContextClassLoader(own);
      return t;
    });
    ZoneRefresh<S> refresh = new ZoneRefresh<>(directive, table, recordSource);
    CompletableFuture<Void> started = new CompletableFuture<>();
    // one stage after the other: the server starts serving with the handler already loaded
    refresh.firstLoad().thenRun(handler::loaded).thenRun(() -> started.complete(null));
    thread.scheduleWithFixedDelay(refresh::refresh, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    context.scheduler().schedule(() -> started.complete(null), STARTUP_WAIT_SECONDS, TimeUnit.SECONDS);
    return started;
  }

  /** Stops the refresh thread and closes the source. */
  public synchronized void stop() {
    if (thread != null) {
      thread.shutdownNow();
      source.close();
    }
  }
}
