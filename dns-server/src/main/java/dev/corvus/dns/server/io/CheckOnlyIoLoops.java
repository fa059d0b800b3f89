package dev.corvus.dns.server.io;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.io.TlsClient;
import java.util.Optional;

/**
 * The I/O loops as {@code corvus check} and {@code corvus doctor} give them to plugins: TLS
 * settings are checked as when serving, but there are no loops to run anything on, since a
 * configuration that is only validated starts nothing.
 */
public final class CheckOnlyIoLoops implements IoLoops {

  @Override
  public Optional<IoLoop> current() {
    return Optional.empty();
  }

  @Override
  public IoLoop next() {
    throw new IllegalStateException("a configuration being checked has no I/O loops");
  }

  @Override
  public TlsClient tlsClient(TlsFiles files, Optional<String> serverName) {
    return NettyTlsClient.build(files, serverName);
  }
}
