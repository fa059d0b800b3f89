package dev.corvus.dns.server.io;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.io.TlsClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A checked TLS client configuration: TLS 1.2 or later (CoreDNS's minimum), the CA file or the
 * JDK's trust store, the client certificate when one is configured, and the name the server's
 * certificate is verified against.
 */
final class NettyTlsClient implements TlsClient {

  private final SslContext context;
  private final String serverName;

  private NettyTlsClient(SslContext context, String serverName) {
    this.context = context;
    this.serverName = serverName;
  }

  /**
   * @throws IllegalArgumentException when a file does not hold what it should (PEM certificates,
   *     a PKCS#8 key matching the certificate)
   */
  static NettyTlsClient build(TlsFiles files, Optional<String> serverName) {
    SslContextBuilder builder =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2");
    try {
      if (files.ca().isPresent()) {
        builder.trustManager(files.ca().get().toFile());
      }
      if (files.certificate().isPresent()) {
        builder.keyManager(files.certificate().get().toFile(), files.key().get().toFile());
      }
      return new NettyTlsClient(builder.build(), serverName.orElse(""));
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot load the TLS files: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  @Override
  public String serverName() {
    return serverName;
  }

  /**
   * A handler for a connection to {@code remote} that verifies the certificate against the
   * server name, or the IP address when none is configured, as Go's crypto/tls does for CoreDNS.
   */
  SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress remote) {
    String peer = serverName.isEmpty() ? remote.getAddress().getHostAddress() : serverName;
    SslHandler handler = context.newHandler(alloc, peer, remote.getPort());
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return handler;
  }
}
