package dev.corvus.dns.server.config;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * {@code tls CERT KEY [CA] [{ client_auth nocert|request|require|verify_if_given|require_and_verify }]}:
 * the certificate of a {@code tls://} server block (DNS over TLS, RFC 7858), or of a listener
 * plugin's scheme that needs one. Files are PEM; the key must be PKCS#8. The TLS context is built
 * while the Corefile is read, so a garbage file fails {@code corvus check} at its line.
 */
public final class TlsFactory implements PluginFactory {

  /** How client certificates are treated, as CoreDNS names the modes. */
  public enum ClientAuth { NOCERT, REQUEST, REQUIRE, VERIFY_IF_GIVEN, REQUIRE_AND_VERIFY }

  /**
   * A block's TLS settings.
   *
   * @param files the certificate, key and client CA files
   * @param clientAuth the client certificate mode
   * @param context the server TLS context built from them
   */
  public record TlsSettings(TlsFiles files, ClientAuth clientAuth, SslContext context) implements Plugin {}

  @Override
  public String directive() {
    return "tls";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    TlsFiles files = config.remainingTlsFiles();
    if (files.certificate().isEmpty()) {
      throw config.error("expected CERT KEY [CA]");
    }
    ClientAuth clientAuth = ClientAuth.NOCERT;
    while (config.nextOption()) {
      if (!"client_auth".equals(config.option())) {
        throw config.unknownOption(List.of("client_auth"));
      }
      String mode = config.nextArg("client_auth mode");
      try {
        clientAuth = ClientAuth.valueOf(mode.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw config.error("unknown client_auth mode '" + mode
            + "', expected nocert, request, require, verify_if_given or require_and_verify");
      }
      config.expectNoMoreArgs();
    }
    return new TlsSettings(files, clientAuth, serverContext(config, files, clientAuth));
  }

  private static SslContext serverContext(ConfigReader config, TlsFiles files, ClientAuth clientAuth)
      throws ConfigException {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forServer(files.certificate().get().toFile(), files.key().get().toFile());
      if (files.ca().isPresent()) {
        builder.trustManager(files.ca().get().toFile());
      }
      builder.clientAuth(switch (clientAuth) {
        case NOCERT -> io.netty.handler.ssl.ClientAuth.NONE;
        case REQUEST, VERIFY_IF_GIVEN -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
        case REQUIRE, REQUIRE_AND_VERIFY -> io.netty.handler.ssl.ClientAuth.REQUIRE;
      });
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw config.error("cannot load the certificate " + files.certificate().get() + " and key "
          + files.key().get() + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
