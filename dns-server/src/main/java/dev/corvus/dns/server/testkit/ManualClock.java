package dev.corvus.dns.server.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that only moves when a test calls {@link #advance}, for TTLs and timeouts without
 * sleeping. Thread-safe; give it to {@link PluginTestKit#PluginTestKit(Clock)}.
 */
public final class ManualClock extends Clock {

  private final AtomicReference<Instant> now;

  /** A clock at 2023-11-14T22:13:20Z (epoch second 1,700,000,000). */
  public ManualClock() {
    this(Instant.ofEpochSecond(1_700_000_000L));
  }

  /** A clock at {@code start}. */
  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves the clock forward by {@code duration}; negative durations are rejected. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + duration);
    }
    now.updateAndGet(instant -> instant.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
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
