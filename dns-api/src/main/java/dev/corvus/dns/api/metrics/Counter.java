package dev.corvus.dns.api.metrics;

/** A counter with labels; see {@link Metrics#counter}. */
public interface Counter {

  /** The child for one combination of label values, in the order of the label names. */
  Child labels(String... labelValues);

  /** Adds one to the counter without labels. */
  default void inc() {
    labels().inc();
  }

  /** The counter for one label-value combination; keep it to avoid a lookup per query. */
  interface Child {
    /** Adds one. */
    default void inc() {
      inc(1);
    }

    /** Adds {@code amount}, which must not be negative. */
    void inc(double amount);

    /** The current value. */
    double get();
  }
}
