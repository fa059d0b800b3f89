package dev.corvus.dns.api.listener;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The connection timeouts of a server block as its {@code timeouts} directive gives them (CoreDNS's
 * {@code timeouts} plugin); an option not given is empty and the listener uses CoreDNS's default,
 * {@link #readOrDefault()} and its siblings. A plugin publishes them with {@link
 * dev.corvus.dns.api.plugin.Plugin#listenerTimeouts()}; a listener plugin reads what applies to
 * its address with {@link ListenerSpec#timeouts()}.
 *
 * <p>What each transport applies, as CoreDNS: TCP, TLS and DNS over HTTPS use {@code read} (a
 * query, once the connection opened or the client started sending it, must arrive whole within
 * it), {@code write} (an answer must be written within it) and {@code idle} (a connection without
 * traffic is closed); DNS over QUIC uses {@code read} (a stream's query) and {@code idle} (the QUIC
 * idle timeout); {@code maxTcpQueries} closes a TCP or TLS connection once it answered that many
 * queries.
 *
 * @param read how long a query may take to arrive, if given
 * @param write how long writing an answer may take, if given
 * @param idle how long a connection may stay without traffic, if given
 * @param maxTcpQueries the queries answered on one TCP or TLS connection before it is closed
 *     ({@code -1}: no limit), if given
 */
public record ListenerTimeouts(Optional<Duration> read, Optional<Duration> write, Optional<Duration> idle,
    OptionalInt maxTcpQueries) {

  /** CoreDNS's default read timeout: 3 s. */
  public static final Duration DEFAULT_READ = Duration.ofSeconds(3);
  /** CoreDNS's default write timeout: 5 s. */
  public static final Duration DEFAULT_WRITE = Duration.ofSeconds(5);
  /** CoreDNS's default idle timeout: 10 s. */
  public static final Duration DEFAULT_IDLE = Duration.ofSeconds(10);
  /** Nothing given: every value is CoreDNS's default. */
  public static final ListenerTimeouts DEFAULTS =
      new ListenerTimeouts(Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty());

  /** Checks that nothing is missing and that every duration given is positive. */
  public ListenerTimeouts {
    Objects.requireNonNull(read, "read");
    Objects.requireNonNull(write, "write");
    Objects.requireNonNull(idle, "idle");
    Objects.requireNonNull(maxTcpQueries, "maxTcpQueries");
    for (Optional<Duration> value : List.of(read, write, idle)) {
      if (value.isPresent() && (value.get().isNegative() || value.get().isZero())) {
        throw new IllegalArgumentException("a timeout must be positive, got " + value.get());
      }
    }
    int max = maxTcpQueries.orElse(-1);
    if (max == 0 || max < -1) {
      throw new IllegalArgumentException("maxTcpQueries must be -1 or positive, got " + max);
    }
  }

  /** The read timeout given, else {@link #DEFAULT_READ}. */
  public Duration readOrDefault() {
    return read.orElse(DEFAULT_READ);
  }

  /** The write timeout given, else {@link #DEFAULT_WRITE}. */
  public Duration writeOrDefault() {
    return write.orElse(DEFAULT_WRITE);
  }

  /** The idle timeout given, else {@link #DEFAULT_IDLE}. */
  public Duration idleOrDefault() {
    return idle.orElse(DEFAULT_IDLE);
  }

  /** The queries one TCP or TLS connection answers before it is closed; {@code -1} (the default) for no limit. */
  public int maxTcpQueriesOrDefault() {
    return maxTcpQueries.orElse(-1);
  }

  /**
   * These timeouts with those {@code later} gives replacing them, option by option: how CoreDNS
   * combines the blocks served on one address (each block's given values override, in block
   * order).
   *
   * @param later the timeouts of a later block on the same address
   * @return the combination
   */
  public ListenerTimeouts overriddenBy(ListenerTimeouts later) {
    return new ListenerTimeouts(later.read.or(() -> read), later.write.or(() -> write), later.idle.or(() -> idle),
        later.maxTcpQueries.isPresent() ? later.maxTcpQueries : maxTcpQueries);
  }
}
