package dev.corvus.dns.server.lifecycle;

import dev.corvus.dns.server.config.TlsFactory.TlsSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import javax.net.ssl.SSLException;

/** Builds Netty TLS contexts from {@code tls} settings. */
final class TlsContexts {

  private TlsContexts() {}

  static SslContext forServer(TlsSettings settings) throws IOException {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(settings.certificate().toFile(), settings.key().toFile());
      if (settings.clientCa() != null) {
        builder.trustManager(settings.clientCa().toFile());
      }
      builder.clientAuth(switch (settings.clientAuth()) {
        case NOCERT -> io.netty.handler.ssl.ClientAuth.NONE;
        case REQUEST, VERIFY_IF_GIVEN -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
        case REQUIRE, REQUIRE_AND_VERIFY -> io.netty.handler.ssl.ClientAuth.REQUIRE;
      });
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot load the TLS certificate " + settings.certificate() + " and key "
          + settings.key() + ": " + e.getMessage(), e);
    }
  }

}
