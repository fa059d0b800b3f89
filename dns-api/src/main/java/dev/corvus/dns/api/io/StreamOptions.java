package dev.corvus.dns.api.io;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link IoLoop#connect} sets up a connection.
 *
 * @param connectTimeout how long connecting (and the TLS handshake) may take
 * @param idleTimeout a connection without traffic for this long is closed; {@link Duration#ZERO}
 *     for never
 * @param tls TLS settings from {@link IoLoops#tlsClient}, or empty for plain TCP
 */
public record StreamOptions(Duration connectTimeout, Duration idleTimeout, Optional<TlsClient> tls) {

  /** Validates the values. */
  public StreamOptions {
    Objects.requireNonNull(tls, "tls");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("the connect timeout must be positive");
    }
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("the idle timeout must not be negative");
    }
  }

  /** Plain TCP. */
  public static StreamOptions tcp(Duration connectTimeout, Duration idleTimeout) {
    return new StreamOptions(connectTimeout, idleTimeout, Optional.empty());
  }
}
