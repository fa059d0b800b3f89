package dev.corvus.dns.server.config;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.ConfigReader;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.api.plugin.PluginFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code tls CERT KEY [CA] [{ client_auth nocert|request|require|verify_if_given|require_and_verify }]}:
 * the certificate of a {@code tls://} server block (DNS over TLS, RFC 7858). Files are PEM; the
 * key must be PKCS#8.
 */
public final class TlsFactory implements PluginFactory {

  /** How client certificates are treated, as CoreDNS names the modes. */
  public enum ClientAuth { NOCERT, REQUEST, REQUIRE, VERIFY_IF_GIVEN, REQUIRE_AND_VERIFY }

  /**
   * A block's TLS settings.
   *
   * @param certificate the certificate chain (PEM)
   * @param key the private key (PEM, PKCS#8)
   * @param clientCa the CA for client certificates, or {@code null}
   * @param clientAuth the client certificate mode
   */
  public record TlsSettings(Path certificate, Path key, Path clientCa, ClientAuth clientAuth)
      implements Plugin {}

  @Override
  public String directive() {
    return "tls";
  }

  @Override
  public Plugin create(ConfigReader config, PluginContext context) throws ConfigException {
    Path certificate = existing(config, config.nextPath("CERT"));
    Path key = existing(config, config.nextPath("KEY"));
    Path ca = config.hasNextArg() ? existing(config, config.nextPath("CA")) : null;
    config.expectNoMoreArgs();
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
    return new TlsSettings(certificate, key, ca, clientAuth);
  }

  private static Path existing(ConfigReader config, Path path) throws ConfigException {
    if (!Files.isReadable(path)) {
      throw config.error("cannot read " + path);
    }
    return path;
  }
}
