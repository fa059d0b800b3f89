package dev.corvus.dns.plugin.errors;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats durations as Go's {@code time.Duration.String()} does ({@code 30s}, {@code 5m0s}, {@code 1h0m0s}, {@code 250ms}). */
final class GoDurations {

  private GoDurations() {}

  static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 1_000_000_000L) {
      if (nanos < 1_000) {
        return nanos + "ns";
      }
      if (nanos < 1_000_000) {
        return plain(BigDecimal.valueOf(nanos, 3)) + "µs";
      }
      return plain(BigDecimal.valueOf(nanos, 6)) + "ms";
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = (nanos / 60_000_000_000L) % 60;
    String seconds = plain(BigDecimal.valueOf(nanos % 60_000_000_000L, 9)) + "s";
    if (hours > 0) {
      return hours + "h" + minutes + "m" + seconds;
    }
    if (minutes > 0) {
      return minutes + "m" + seconds;
    }
    return seconds;
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }
}
