package dev.corvus.dns.api.metrics;

/** A histogram with labels; see {@link Metrics#histogram}. */
public interface Histogram {

  /** The child for one combination of label values. */
  Child labels(String... labelValues);

  /** The histogram for one label-value combination. */
  interface Child {
    /** Records one observation, e.g. a duration in seconds. */
    void observe(double value);
  }
}
