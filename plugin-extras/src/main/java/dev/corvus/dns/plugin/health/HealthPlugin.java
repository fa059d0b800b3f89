package dev.corvus.dns.plugin.health;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.plugin.HttpEndpoints;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /health} → 200 {@code OK} from start until stop (so also through lameduck,
 * which the server waits before stopping plugins), and probes itself once a second like
 * CoreDNS, recording {@code coredns_health_request_duration_seconds} and {@code
 * coredns_health_request_failures_total}. The probe blocks on its socket, so it runs on a
 * scheduled thread of its own, never on the shared scheduler.
 */
final class HealthPlugin implements Plugin {

  private static final Logger LOG = LoggerFactory.getLogger(HealthPlugin.class);

  /** CoreDNS's SlimTimeBuckets: 0.25 ms times powers of ten up to 2.5 s. */
  static final List<Double> SLIM_TIME_BUCKETS = List.of(0.00025, 0.0025, 0.025, 0.25, 2.5);

  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration SLOW_PROBE = Duration.ofSeconds(1);

  private final HealthConfig config;
  private final PluginContext context;
  private final Histogram.Child duration;
  private final Counter.Child failures;
  private final HttpEndpoints.Route route = request -> HttpEndpoints.HttpResponse.text(200, "OK");
  private volatile HttpEndpoints.Endpoint endpoint;
  private ScheduledExecutorService prober;

  HealthPlugin(HealthConfig config, PluginContext context) {
    this.config = config;
    this.context = context;
    this.duration = context.metrics()
        .histogram("coredns_health_request_duration_seconds",
            "Histogram of the time (in seconds) each request took.", SLIM_TIME_BUCKETS)
        .labels();
    this.failures = context.metrics()
        .counter("coredns_health_request_failures_total", "The number of times the health check failed.")
        .labels();
  }

  /** Serves {@code /health} at once and leaves the probing to its own thread. */
  @Override
  public synchronized CompletionStage<Void> start() {
    endpoint = context.http().serve(config.address(), "/health", route);
    prober = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "corvus-health-probe");
      thread.setDaemon(true);
      return thread;
    });
    long period = PROBE_INTERVAL.toMillis();
    // A fixed delay: after a probe that took long, the next waits a whole period.
    prober.scheduleWithFixedDelay(this::probe, period, period, TimeUnit.MILLISECONDS);
    return STARTED;
  }

  @Override
  public Duration lameduck() {
    return config.lameduck();
  }

  @Override
  public synchronized void stop() {
    if (prober != null) {
      // A probe under way finishes before /health goes: closing the endpoint under it made it
      // read a 404 (the route gone, the listener not yet closed) and warn of a failed check.
      prober.shutdown();
      try {
        if (!prober.awaitTermination(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          prober.shutdownNow();
        }
      } catch (InterruptedException e) {
        prober.shutdownNow();
        Thread.currentThread().interrupt();
      }
      prober = null;
    }
    if (config.lameduck().compareTo(Duration.ZERO) > 0) {
      LOG.info("Going into lameduck mode for {}", config.lameduck());
    }
    if (endpoint != null) {
      endpoint.close();
      endpoint = null;
    }
  }

  /** One self-probe, recorded in the metrics. */
  void probe() {
    long start = System.nanoTime();
    HttpEndpoints.Endpoint served = endpoint;
    if (served == null) {
      return;
    }
    String failure;
    try {
      int status = HealthProbe.status(HealthProbe.target(served.boundAddress()), PROBE_TIMEOUT);
      failure = status == 200 ? null : "status " + status;
    } catch (IOException e) {
      failure = e.toString();
    }
    finish(start, failure);
  }

  private void finish(long startNanos, String failure) {
    long elapsed = System.nanoTime() - startNanos;
    duration.observe(elapsed / 1e9);
    if (failure != null) {
      failures.inc();
      LOG.warn("Local health request to {} failed: {}", config.address(), failure);
    } else if (elapsed > SLOW_PROBE.toNanos()) {
      LOG.warn("Local health request to {} took more than 1s: {} ms", config.address(), elapsed / 1_000_000);
    }
  }
}
