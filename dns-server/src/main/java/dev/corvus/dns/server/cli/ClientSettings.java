package dev.corvus.dns.server.cli;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How the client commands ({@code query}, {@code explain}, {@code inspect}) reach a server; passed
 * in so that tests resolve names and time out without the network's pace.
 *
 * @param resolver resolves host names that are not IP literals
 * @param queryTimeout how long {@code query} waits for an answer
 * @param adminTimeout how long {@code explain} and {@code inspect} wait for the admin endpoint's
 *     answer (a connection gets at most 3 seconds of it)
 */
record ClientSettings(HostAndPort.Resolver resolver, Duration queryTimeout, Duration adminTimeout) {

  /** The OS resolver, 5 seconds for a DNS answer (dig's default) and 15 for an explanation. */
  static final ClientSettings SYSTEM =
      new ClientSettings(InetAddress::getByName, Duration.ofSeconds(5), Duration.ofSeconds(15));

  /** How long to wait for the admin endpoint to accept a connection. */
  Duration adminConnectTimeout() {
    Duration connect = Duration.ofSeconds(3);
    return adminTimeout.compareTo(connect) < 0 ? adminTimeout : connect;
  }
}
