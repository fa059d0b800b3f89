package dev.corvus.dns.plugin.forward;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The TLS client configuration for {@code tls://} upstreams ({@code tls} and {@code
 * tls_servername} options).
 *
 * @param certificate the client certificate chain (PEM) presented to the upstream, if any
 * @param key the client certificate's private key (PKCS#8 PEM), if any
 * @param ca the CA bundle (PEM) that verifies the upstream; the JDK's trust store when empty
 * @param serverName the name sent as SNI and verified in the upstream's certificate; when empty
 *     the certificate must name the upstream's IP address
 */
record TlsSettings(
    Optional<Path> certificate, Optional<Path> key, Optional<Path> ca, Optional<String> serverName) {

  /** No client certificate, the JDK's trust store, the certificate checked against the IP. */
  static final TlsSettings DEFAULT =
      new TlsSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  TlsSettings withServerName(String name) {
    return new TlsSettings(certificate, key, ca, Optional.of(name));
  }
}
