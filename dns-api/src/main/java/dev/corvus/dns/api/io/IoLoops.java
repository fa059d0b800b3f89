package dev.corvus.dns.api.io;

import dev.corvus.dns.api.config.TlsFiles;
import java.util.Optional;

/**
 * The server's I/O threads, for plugins that exchange messages with other servers ({@code
 * forward}, a gRPC or etcd client would too). A query's answer that arrives on the loop the query
 * came in on reaches the client without a change of threads, and the sockets of one loop are
 * used by that loop only, without locks: the reason the server lends its loops rather than each
 * plugin running its own. The transport (epoll or NIO) is the server's; plugins never see it.
 */
public interface IoLoops {

  /** The loop running the calling thread, or empty when the caller is not one of the I/O threads. */
  Optional<IoLoop> current();

  /** One of the loops, each in turn: for work started off the I/O threads (health checks). */
  IoLoop next();

  /** {@link #current()} when the caller runs on a loop, else {@link #next()}. */
  default IoLoop currentOrNext() {
    return current().orElseGet(this::next);
  }

  /**
   * Checks TLS client settings now — the files exist, parse, and the key matches the certificate
   * — and returns them in the form {@link StreamOptions} takes. Call it while the configuration is
   * read, so that {@code corvus check} reports a bad file at its Corefile line.
   *
   * @param files the client certificate and key (both or neither) and the CA to verify the server
   *     with (the system's trusted CAs when absent)
   * @param serverName the name the server's certificate must carry (and SNI); empty to verify
   *     nothing but the chain, as CoreDNS does without {@code tls_servername}
   * @throws IllegalArgumentException with a message for the user when a file is unreadable or
   *     invalid
   */
  TlsClient tlsClient(TlsFiles files, Optional<String> serverName);
}
