package dev.corvus.dns.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void standsStillUntilAdvanced() {
    ManualClock clock = new ManualClock(Instant.parse("2024-01-01T00:00:00Z"));
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), clock.instant());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(Instant.parse("2024-01-01T00:00:01.500Z"), clock.instant());
    assertEquals(clock.instant().toEpochMilli(), clock.millis());
  }

  @Test
  void startsAtAFixedInstantInUtc() {
    ManualClock clock = new ManualClock();
    assertEquals(Instant.ofEpochSecond(1_700_000_000L), clock.instant());
    assertEquals(ZoneOffset.UTC, clock.getZone());
    assertSame(clock, clock.withZone(ZoneId.of("Europe/Paris")));
  }

  @Test
  void neverGoesBack() {
    ManualClock clock = new ManualClock();
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
  }
}
