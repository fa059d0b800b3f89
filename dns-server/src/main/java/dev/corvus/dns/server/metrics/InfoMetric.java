package dev.corvus.dns.server.metrics;

import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Metrics.Sample;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A {@code *_info} metric ({@code coredns_build_info}, {@code coredns_reload_version_info}): a
 * gauge of value 1 per label set, which the Prometheus client only accepts as its Info type. A
 * series set to 0 is not exposed.
 */
final class InfoMetric implements Collector {

  private final MetricMetadata metadata;
  private final String[] labelNames;
  private final Map<List<String>, Double> values = new ConcurrentHashMap<>();
  private final AtomicReference<Supplier<List<Sample>>> computed = new AtomicReference<>();

  InfoMetric(String name, String help, String[] labelNames) {
    this.metadata = new MetricMetadata(name.substring(0, name.length() - "_info".length()), help);
    this.labelNames = labelNames.clone();
  }

  /** The metric as a settable gauge. */
  Gauge asGauge() {
    return labelValues -> {
      List<String> key = List.of(labelValues);
      return new Gauge.Child() {
        @Override
        public void set(double value) {
          values.put(key, value);
        }

        @Override
        public void inc(double delta) {
          values.merge(key, delta, Double::sum);
        }

        @Override
        public double get() {
          return values.getOrDefault(key, 0.0);
        }
      };
    };
  }

  /** Computes the samples at scrape time from {@code samples} instead. */
  void compute(Supplier<List<Sample>> samples) {
    computed.set(samples);
  }

  @Override
  public MetricSnapshot collect() {
    List<InfoSnapshot.InfoDataPointSnapshot> points = new ArrayList<>();
    Supplier<List<Sample>> supplier = computed.get();
    if (supplier != null) {
      for (Sample sample : supplier.get()) {
        add(points, sample.labelValues(), sample.value());
      }
    }
    values.forEach((labels, value) -> add(points, labels, value));
    return new InfoSnapshot(metadata, points);
  }

  private void add(List<InfoSnapshot.InfoDataPointSnapshot> points, List<String> labels, double value) {
    if (value != 0) {
      points.add(new InfoSnapshot.InfoDataPointSnapshot(Labels.of(labelNames, labels.toArray(String[]::new))));
    }
  }

  @Override
  public String getPrometheusName() {
    return metadata.getPrometheusName();
  }

  @Override
  public String toString() {
    return metadata.getName() + "_info" + Arrays.toString(labelNames);
  }
}
