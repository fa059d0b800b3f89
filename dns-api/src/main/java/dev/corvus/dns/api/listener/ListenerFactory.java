package dev.corvus.dns.api.listener;

import java.io.IOException;

/**
 * A kind of listener, named by the scheme of a server block's key ({@code https://example.org},
 * {@code quic://.:853}, {@code grpc://.}). Register an implementation with {@code
 * @AutoService(ListenerFactory.class)}; the server finds it as it finds {@link
 * dev.corvus.dns.api.plugin.PluginFactory}s, on its class path and in {@code plugins/}, so a
 * transport with heavy dependencies (HTTP/2, QUIC, gRPC) is a jar of its own that a server not
 * using it never loads. The schemes {@code dns} and {@code tls} are the server's own.
 */
public interface ListenerFactory {

  /**
   * The scheme this factory serves: one of CoreDNS's, {@code https}, {@code https3}, {@code
   * quic} or {@code grpc} (keys without a port take CoreDNS's default: 443, 443, 853, 443).
   */
  String scheme();

  /**
   * Whether a server block with this scheme needs TLS settings (a {@code tls} directive); the
   * server rejects the Corefile at the key's line when one is missing.
   */
  default boolean requiresTls() {
    return false;
  }

  /**
   * Binds a listener and serves queries through {@code queries} until it is closed. Called when
   * a configuration using the scheme starts; a reload that keeps the same address keeps the
   * listener and swaps what it serves behind {@code queries}.
   *
   * @throws IOException when the address cannot be bound
   */
  Listener bind(ListenerSpec spec, QueryService queries) throws IOException;
}
