package dev.corvus.dns.plugin.admin;

import dev.corvus.dns.api.net.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The {@code admin} directive's settings.
 *
 * @param address where the admin endpoint listens; loopback by default
 * @param allowed networks besides loopback whose clients may use it; empty by default
 * @param flush whether {@code POST /inspect/cache/flush} is allowed
 * @param profile whether {@code GET /debug/jfr} records the JVM on request
 */
record AdminConfig(InetSocketAddress address, List<Cidr> allowed, boolean flush, boolean profile) {

  static final int DEFAULT_PORT = 9154;

  AdminConfig {
    allowed = List.copyOf(allowed);
  }

  /** Whether a request from {@code client} may use the endpoint: loopback, or an allowed network. */
  boolean permits(InetAddress client) {
    if (client.isLoopbackAddress()) {
      return true;
    }
    for (Cidr network : allowed) {
      if (network.contains(client)) {
        return true;
      }
    }
    return false;
  }
}
