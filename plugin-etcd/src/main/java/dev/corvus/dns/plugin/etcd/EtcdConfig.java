package dev.corvus.dns.plugin.etcd;

import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.config.TlsFiles;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The validated {@code etcd} directive.
 *
 * @param zones the zones answered (the server block's by default)
 * @param fallthrough which names without records go to the next plugin
 * @param path the key prefix, {@code skydns} by default (CoreDNS keeps it as written; a leading
 *     slash makes no difference to the keys)
 * @param endpoints the etcd client URLs, {@code http://localhost:2379} by default
 * @param credentials the user and password, when given
 * @param tls the TLS files, when {@code tls} was given
 * @param minLeaseTtl the least TTL served for a key with a lease, in seconds (30)
 * @param maxLeaseTtl the greatest TTL served for a key with a lease, in seconds (86400)
 */
record EtcdConfig(
    List<Name> zones,
    Fallthrough fallthrough,
    String path,
    List<URI> endpoints,
    Optional<Credentials> credentials,
    Optional<TlsFiles> tls,
    long minLeaseTtl,
    long maxLeaseTtl) {

  static final String DEFAULT_PATH = "skydns";
  static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:2379");
  static final long DEFAULT_MIN_LEASE_TTL = 30;
  static final long DEFAULT_MAX_LEASE_TTL = 86400;
  /** CoreDNS's TTL for a record that sets none and has no lease. */
  static final long DEFAULT_TTL = 300;

  EtcdConfig {
    zones = List.copyOf(zones);
    endpoints = List.copyOf(endpoints);
  }

  /** The etcd user and password. */
  record Credentials(String user, String password) {
    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=(hidden)]";
    }
  }

  /** The prefix of every key the plugin reads: {@code /PATH/}. */
  String keyPrefix() {
    String cleaned = SkyDnsPath.clean("/" + path);
    return cleaned.endsWith("/") ? cleaned : cleaned + "/";
  }
}
