package dev.corvus.dns.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a state that another thread brings about (an upstream marked down, a log line
 * written), checking it every 10 ms until a deadline, instead of sleeping a guessed time.
 */
public final class Poll {

  private static final long INTERVAL_MILLIS = 10;

  private Poll() {}

  /**
   * Checks {@code condition} until it holds or {@code timeout} has passed.
   *
   * @return whether the condition held in time, for the test to assert
   */
  public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return condition.getAsBoolean();
      }
      Thread.sleep(INTERVAL_MILLIS);
    }
    return true;
  }
}
