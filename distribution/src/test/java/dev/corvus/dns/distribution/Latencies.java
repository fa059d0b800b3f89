package dev.corvus.dns.distribution;

/**
 * A latency histogram: 10 µs steps up to 10 ms, 100 µs steps up to 100 ms and 1 ms steps up to
 * 10 s; slower queries are counted together and the slowest kept, so a percentile that falls
 * beyond 10 s reads as the maximum.
 */
final class Latencies {

  /** Where each resolution starts, in µs, and its step. */
  private static final long[] FROM = {0, 10_000, 100_000};
  private static final long[] STEP = {10, 100, 1000};
  private static final long UNTIL = 10_000_000;
  private static final int[] FIRST_INDEX = {0, 1000, 1900};
  private static final int BEYOND = 1900 + (int) ((UNTIL - 100_000) / 1000);

  private final long[] counts = new long[BEYOND + 1];
  private long count;
  private long maxMicros;

  void add(long micros) {
    counts[index(Math.max(0, micros))]++;
    count++;
    maxMicros = Math.max(maxMicros, micros);
  }

  long count() {
    return count;
  }

  /**
   * The latency below which {@code fraction} of the queries fall, to the step's upper bound: the
   * query at rank ⌊fraction × count⌋ + 1 in ascending order, as bench/latency.py takes it.
   */
  double percentileMillis(double fraction) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.min(count, (long) Math.floor(fraction * count) + 1);
    long seen = 0;
    for (int index = 0; index < BEYOND; index++) {
      seen += counts[index];
      if (seen >= rank) {
        return Math.min(maxMicros, upperBound(index)) / 1000.0;
      }
    }
    return maxMillis();
  }

  double maxMillis() {
    return maxMicros / 1000.0;
  }

  String summary() {
    return String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms (%d queries)",
        percentileMillis(0.5), percentileMillis(0.99), percentileMillis(0.999), maxMillis(), count);
  }

  private static int index(long micros) {
    if (micros >= UNTIL) {
      return BEYOND;
    }
    int range = micros >= FROM[2] ? 2 : micros >= FROM[1] ? 1 : 0;
    return FIRST_INDEX[range] + (int) ((micros - FROM[range]) / STEP[range]);
  }

  private static long upperBound(int index) {
    int range = index >= FIRST_INDEX[2] ? 2 : index >= FIRST_INDEX[1] ? 1 : 0;
    return FROM[range] + (index - FIRST_INDEX[range] + 1L) * STEP[range];
  }
}
