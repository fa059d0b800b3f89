package dev.corvus.dns.plugin.timeouts;

import java.time.Duration;

/**
 * The validated {@code timeouts} directive; {@code null} durations were not given.
 *
 * @param read how long a connection may take to send a query
 * @param write how long writing a response may take
 * @param idle how long a TCP connection may stay idle
 * @param maxTcpQueries queries served per TCP connection, -1 for no limit
 */
record TimeoutsConfig(Duration read, Duration write, Duration idle, int maxTcpQueries) {

  TimeoutsConfig with(String option, Duration value) {
    return switch (option) {
      case "read" -> new TimeoutsConfig(value, write, idle, maxTcpQueries);
      case "write" -> new TimeoutsConfig(read, value, idle, maxTcpQueries);
      default -> new TimeoutsConfig(read, write, value, maxTcpQueries);
    };
  }

  TimeoutsConfig withMaxTcpQueries(int max) {
    return new TimeoutsConfig(read, write, idle, max);
  }
}
