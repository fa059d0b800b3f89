package dev.corvus.dns.testkit;

import dev.corvus.dns.api.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC wall clock and a monotonic {@link Ticker} that only move when a test calls {@link
 * #advance}, together: TTLs and timeouts without sleeping. Thread-safe; give it to {@link
 * PluginTestKit#PluginTestKit(ManualClock)} or to the embedding builder ({@code .clock(c).ticker(c)}).
 */
public final class ManualClock extends Clock implements Ticker {

  private final AtomicReference<Instant> now;
  private final AtomicLong nanos = new AtomicLong();

  /** A clock at 2023-11-14T22:13:20Z (epoch second 1,700,000,000). */
  public ManualClock() {
    this(Instant.ofEpochSecond(1_700_000_000L));
  }

  /** A clock at {@code start}. */
  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves the clock and the ticker forward by {@code duration}; negative durations are rejected. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + duration);
    }
    now.updateAndGet(instant -> instant.plus(duration));
    nanos.addAndGet(duration.toNanos());
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Nanoseconds advanced since the clock was made. */
  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock itself: its zone is always UTC and time is shared. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
