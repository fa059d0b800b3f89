package dev.corvus.dns.api.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The files of a TLS configuration as CoreDNS's {@code tls} arguments name them: an optional
 * certificate with its key (both or neither) and an optional CA bundle. Read with {@link
 * ConfigReader#remainingTlsFiles()}; the paths exist and are readable, their contents are checked
 * by whoever builds the TLS context from them.
 *
 * @param certificate the PEM certificate chain
 * @param key the PEM private key of the certificate
 * @param ca the PEM CA certificates to verify the peer with
 */
public record TlsFiles(Optional<Path> certificate, Optional<Path> key, Optional<Path> ca) {

  /** No files: the system's trusted CAs, no client certificate. */
  public static final TlsFiles NONE = new TlsFiles(Optional.empty(), Optional.empty(), Optional.empty());

  /** Validates that certificate and key come together. */
  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
    if (certificate.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("a certificate needs its key and a key its certificate");
    }
  }
}
