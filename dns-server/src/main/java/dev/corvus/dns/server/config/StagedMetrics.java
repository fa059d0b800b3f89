package dev.corvus.dns.server.config;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The metric registry as the plugins of a configuration being built see it. Counters, gauges and
 * histograms are registered at once (registering is idempotent and changes no value); computed
 * gauges replace the served configuration's suppliers only when this configuration is {@linkplain
 * #commit() committed}, so that a configuration that fails validation or start leaves the served
 * one's samples (a cache's entry count) in place. Several plugins of one configuration may
 * register the same computed gauge (a cache in each server block): their samples are reported
 * together.
 */
public final class StagedMetrics implements Metrics {

  /** One computed gauge of this configuration and every supplier registered for it. */
  private record Computed(String help, List<String> labelNames, List<Supplier<List<Sample>>> suppliers) {
    /** Every supplier's samples; samples with the same label values add up (an exposition holds one). */
    List<Sample> samples() {
      Map<List<String>, Double> values = new LinkedHashMap<>();
      for (Supplier<List<Sample>> supplier : suppliers) {
        for (Sample sample : supplier.get()) {
          values.merge(sample.labelValues(), sample.value(), Double::sum);
        }
      }
      List<Sample> all = new ArrayList<>(values.size());
      values.forEach((labels, value) -> all.add(new Sample(labels, value)));
      return all;
    }
  }

  private final Metrics target;
  private final Map<String, Computed> computed = new LinkedHashMap<>();
  private boolean committed;

  /** A staging view of {@code target}. */
  public StagedMetrics(Metrics target) {
    this.target = target;
  }

  @Override
  public Counter counter(String name, String help, String... labelNames) {
    return target.counter(name, help, labelNames);
  }

  @Override
  public Gauge gauge(String name, String help, String... labelNames) {
    return target.gauge(name, help, labelNames);
  }

  @Override
  public Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
    return target.histogram(name, help, buckets, labelNames);
  }

  @Override
  public synchronized void gaugeFunction(String name, String help, List<String> labelNames,
      Supplier<List<Sample>> samples) {
    Computed gauge = computed.computeIfAbsent(name,
        n -> new Computed(help, List.copyOf(labelNames), new CopyOnWriteArrayList<>()));
    if (!gauge.labelNames().equals(labelNames)) {
      throw new IllegalArgumentException("computed gauge " + name + " is registered with labels "
          + gauge.labelNames() + ", not " + labelNames);
    }
    gauge.suppliers().add(samples);
    if (committed) {
      target.gaugeFunction(name, gauge.help(), gauge.labelNames(), gauge::samples);
    }
  }

  /** Hands this configuration's computed gauges to the registry; later registrations go straight through. */
  public synchronized void commit() {
    committed = true;
    computed.forEach((name, gauge) -> target.gaugeFunction(name, gauge.help(), gauge.labelNames(), gauge::samples));
  }

  @Override
  public void writeText(OutputStream out) throws IOException {
    target.writeText(out);
  }
}
