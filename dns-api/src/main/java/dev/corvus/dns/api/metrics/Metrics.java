package dev.corvus.dns.api.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * The server's metric registry, as plugins see it. Names, labels and buckets follow Prometheus
 * conventions; use CoreDNS's names where a CoreDNS plugin has the same metric, so dashboards
 * carry over.
 *
 * <p>Registering is idempotent: asking again for a metric with the same name and label names
 * returns the existing one, so a plugin recreated by a reload keeps counting where the old one
 * stopped. Asking for the same name with another kind or other label names is an {@link
 * IllegalArgumentException}.
 */
public interface Metrics {

  /** A monotonically increasing counter, e.g. {@code coredns_cache_hits_total}. */
  Counter counter(String name, String help, String... labelNames);

  /** A value that goes up and down. */
  Gauge gauge(String name, String help, String... labelNames);

  /**
   * A histogram with explicit upper bounds.
   *
   * @param buckets the bucket upper bounds in increasing order, e.g. {@link #DNS_DURATION_BUCKETS}
   */
  Histogram histogram(String name, String help, List<Double> buckets, String... labelNames);

  /**
   * A gauge whose samples are computed at scrape time, e.g. a cache's size. A later registration
   * under the same name replaces the supplier (a reloaded plugin takes over) once the
   * configuration that registered it is served: building a configuration that is then rejected
   * leaves the served one's samples in place.
   *
   * @param samples called at each scrape; returns one sample per label-value combination
   */
  void gaugeFunction(String name, String help, List<String> labelNames, Supplier<List<Sample>> samples);

  /**
   * Writes every metric in the Prometheus text exposition format (version 0.0.4).
   */
  void writeText(OutputStream out) throws IOException;

  /**
   * One computed sample of a {@link #gaugeFunction}.
   *
   * @param labelValues values in the order of the label names
   * @param value the sample's value
   */
  record Sample(List<String> labelValues, double value) {}

  /**
   * CoreDNS's buckets for request durations in seconds: 0.00025 doubling up to 8.192 (plus +Inf).
   */
  List<Double> DNS_DURATION_BUCKETS = List.of(
      0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024,
      2.048, 4.096, 8.192);

  /** CoreDNS's buckets for request and response sizes in bytes. */
  List<Double> DNS_SIZE_BUCKETS = List.of(
      0.0, 100.0, 200.0, 300.0, 400.0, 511.0, 1023.0, 2047.0, 4095.0, 8291.0, 16000.0, 32000.0, 48000.0, 64000.0);
}
