package dev.corvus.dns.api.listener;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.IoLoops;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ListenerFactory} binds.
 *
 * @param address the address and port to bind (every address when the Corefile names none)
 * @param serverLabel the key as CoreDNS labels metrics with it, e.g. {@code https://:443}
 * @param tls the server block's {@code tls} files (certificate and key present), if it has them
 * @param loops the server's I/O loops, to run the listener on
 */
public record ListenerSpec(InetSocketAddress address, String serverLabel, Optional<TlsFiles> tls, IoLoops loops) {

  /** Checks that nothing is missing. */
  public ListenerSpec {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(serverLabel, "serverLabel");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(loops, "loops");
  }
}
