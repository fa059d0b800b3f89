package dev.corvus.dns.plugin.forward;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/** Builds the Netty client context of {@code tls://} upstreams from {@link TlsSettings}. */
final class TlsContexts {

  private TlsContexts() {}

  /**
   * A client context: TLS 1.2 or later (CoreDNS's minimum), the CA file or the JDK's trust store,
   * and the client certificate when one is configured.
   *
   * @throws SSLException when a file does not hold what it should (PEM certificates, PKCS#8 key)
   */
  static SslContext client(TlsSettings settings) throws SSLException {
    SslContextBuilder builder =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2");
    if (settings.ca().isPresent()) {
      builder.trustManager(settings.ca().get().toFile());
    }
    if (settings.certificate().isPresent() && settings.key().isPresent()) {
      builder.keyManager(settings.certificate().get().toFile(), settings.key().get().toFile());
    }
    return builder.build();
  }
}
