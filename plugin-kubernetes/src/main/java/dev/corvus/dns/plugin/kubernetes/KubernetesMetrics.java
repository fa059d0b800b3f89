package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The plugin's metrics: CoreDNS's DNS programming latency, plus Corvus's per-resource object
 * counts, data age, reconnects and informer restarts (CoreDNS has no equivalent; they are prefixed {@code corvus_}).
 */
final class KubernetesMetrics {

  /** CoreDNS: {@code prometheus.ExponentialBuckets(0.001, 2, 20)}, 1 ms to about 17 minutes. */
  private static final List<Double> PROGRAMMING_BUCKETS = exponentialBuckets(0.001, 2, 20);

  /** The annotation the EndpointSlice controller sets to the time of the triggering change. */
  static final String LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

  private final Metrics metrics;
  private final Clock clock;
  private final Histogram programming;
  private final Counter reconnects;
  private final Counter informerRestarts;

  KubernetesMetrics(Metrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
    this.programming =
        metrics.histogram(
            "coredns_kubernetes_dns_programming_duration_seconds",
            "Histogram of the time (in seconds) it took to program a dns instance.",
            PROGRAMMING_BUCKETS,
            "service_kind");
    this.reconnects =
        metrics.counter(
            "corvus_kubernetes_watch_reconnects_total",
            "Times a watch on the API server was re-established after it was lost, per resource.",
            "resource");
    this.informerRestarts =
        metrics.counter(
            "corvus_kubernetes_informer_restarts_total",
            "Times an informer without a watch that received nothing for "
                + InformerSource.LIST_STALL.toSeconds()
                + " s was replaced by one listing afresh, per resource.",
            "resource");
  }

  /**
   * Observes the time from an EndpointSlice's trigger to now, as CoreDNS does for slices written by
   * the controller (the annotation is set) whose Service is known.
   */
  void observeProgramming(String triggerTime, ServiceView service) {
    if (triggerTime == null || service == null) {
      return;
    }
    try {
      Instant trigger = Instant.parse(triggerTime);
      double seconds = Duration.between(trigger, clock.instant()).toNanos() / 1e9;
      programming.labels(service.programmingKind()).observe(Math.max(0, seconds));
    } catch (DateTimeParseException e) {
      // CoreDNS logs and skips an unparsable annotation; so does Corvus (at debug level).
    }
  }

  /** Counts an informer replaced because it stalled. */
  void informerRestarted(String resource) {
    informerRestarts.labels(resource).inc();
  }

  /** Counts a re-established watch. */
  void reconnected(String resource) {
    reconnects.labels(resource).inc();
  }

  /** Registers the object-count and data-age gauges computed at scrape time. */
  void registerGauges(
      Supplier<List<Metrics.Sample>> objects, Supplier<List<Metrics.Sample>> syncAge) {
    metrics.gaugeFunction(
        "corvus_kubernetes_objects",
        "Objects the kubernetes plugin holds, per resource.",
        List.of("resource"),
        objects);
    metrics.gaugeFunction(
        "corvus_kubernetes_last_sync_age_seconds",
        "Seconds since each resource was last known to be in sync with its source (0 while watching).",
        List.of("resource"),
        syncAge);
  }

  private static List<Double> exponentialBuckets(double start, double factor, int count) {
    List<Double> buckets = new java.util.ArrayList<>(count);
    double value = start;
    for (int i = 0; i < count; i++) {
      buckets.add(value);
      value *= factor;
    }
    return List.copyOf(buckets);
  }
}
