package dev.corvus.dns.api.metrics;

/** A gauge with labels; see {@link Metrics#gauge}. */
public interface Gauge {

  /** The child for one combination of label values. */
  Child labels(String... labelValues);

  /** Sets the gauge without labels. */
  default void set(double value) {
    labels().set(value);
  }

  /** The gauge for one label-value combination. */
  interface Child {
    /** Sets the value. */
    void set(double value);

    /** Adds {@code delta} (may be negative). */
    void inc(double delta);

    /** The current value. */
    double get();
  }
}
