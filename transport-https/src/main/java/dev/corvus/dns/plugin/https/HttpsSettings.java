package dev.corvus.dns.plugin.https;

import dev.corvus.dns.api.plugin.Plugin;

/**
 * The {@code https} directive of a server block: options of its DNS-over-HTTPS listener.
 *
 * @param maxConnections concurrent connections accepted at most; 0 for no limit
 */
public record HttpsSettings(int maxConnections) implements Plugin {

  /** CoreDNS's {@code DefaultHTTPSMaxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 200;

  /** The settings of a block without the directive. */
  public static final HttpsSettings DEFAULTS = new HttpsSettings(DEFAULT_MAX_CONNECTIONS);
}
