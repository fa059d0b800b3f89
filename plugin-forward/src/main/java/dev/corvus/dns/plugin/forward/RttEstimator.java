package dev.corvus.dns.plugin.forward;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An upstream's smoothed round-trip time and the read timeout derived from it. As CoreDNS tunes
 * its dial timeout, each observation moves the average a quarter of the way towards it and the
 * timeout is twice the average, kept within {@code [min, max]}. A timed-out attempt is observed
 * as the timeout itself, so a timeout that turned out too short grows again.
 */
final class RttEstimator {

  private static final long WEIGHT = 4;
  private static final Duration FLOOR = Duration.ofMillis(200);

  private final long minNanos;
  private final long maxNanos;
  private final AtomicLong averageNanos;

  /**
   * @param max the longest timeout (the {@code read_timeout}); the first timeout is half of it
   */
  RttEstimator(Duration max) {
    this.maxNanos = max.toNanos();
    this.minNanos = Math.min(FLOOR.toNanos(), maxNanos);
    this.averageNanos = new AtomicLong(maxNanos / 4);
  }

  /** How long the next attempt waits for an answer. */
  long timeoutNanos() {
    return Math.max(minNanos, Math.min(maxNanos, 2 * averageNanos.get()));
  }

  /** The smoothed round-trip time the timeout is derived from. */
  long smoothedNanos() {
    return averageNanos.get();
  }

  /** Records one round trip (or a timeout's length). */
  void observe(long nanos) {
    averageNanos.getAndUpdate(average -> average + (nanos - average) / WEIGHT);
  }
}
