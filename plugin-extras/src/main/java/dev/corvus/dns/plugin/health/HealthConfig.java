package dev.corvus.dns.plugin.health;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The {@code health [ADDRESS] { lameduck DURATION }} directive's configuration.
 *
 * @param address where {@code /health} is served; {@code :8080} by default
 * @param lameduck how long the server keeps answering after a shutdown request; zero by default
 */
public record HealthConfig(InetSocketAddress address, Duration lameduck) {

  /** CoreDNS's default port. */
  public static final int DEFAULT_PORT = 8080;
}
