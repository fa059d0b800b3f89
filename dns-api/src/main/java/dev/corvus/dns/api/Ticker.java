package dev.corvus.dns.api;

/**
 * A monotonic source of nanoseconds for measuring intervals: TTLs counting down, timeouts, round
 * trips. Unlike a wall {@link java.time.Clock}, it never jumps when the system clock is set, so a
 * cached answer's TTL does not either. Only differences between two readings mean anything.
 * Plugins receive the server's through {@link dev.corvus.dns.api.plugin.PluginContext#ticker()},
 * which tests replace with one they advance by hand.
 */
@FunctionalInterface
public interface Ticker {

  /** The current reading in nanoseconds. */
  long read();

  /** The JVM's monotonic clock, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
