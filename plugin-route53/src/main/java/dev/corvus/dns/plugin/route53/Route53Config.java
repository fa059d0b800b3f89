package dev.corvus.dns.plugin.route53;

import dev.corvus.dns.api.Fallthrough;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The validated {@code route53} directive.
 *
 * @param zones each zone and the hosted zone IDs that serve it, in the order written (several IDs
 *     for one zone are asked in that order, as CoreDNS does)
 * @param accessKey the static key from {@code aws_access_key}, when given (deprecated in CoreDNS)
 * @param endpoint the API endpoint from {@code aws_endpoint}, when given
 * @param profile the shared-credentials profile and file from {@code credentials}, when given
 * @param fallthrough which names without records go to the next plugin
 * @param refresh how often the record sets are listed again (1 minute by default)
 */
record Route53Config(
    Map<Name, List<String>> zones,
    Optional<AccessKey> accessKey,
    Optional<URI> endpoint,
    Optional<Profile> profile,
    Fallthrough fallthrough,
    Duration refresh) {

  static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

  Route53Config {
    Map<Name, List<String>> copy = new LinkedHashMap<>();
    zones.forEach((zone, ids) -> copy.put(zone, List.copyOf(ids)));
    zones = java.util.Collections.unmodifiableMap(copy);
  }

  /** An access key ID and its secret. */
  record AccessKey(String id, String secret) {
    @Override
    public String toString() {
      return "AccessKey[id=" + id + ", secret=(hidden)]";
    }
  }

  /** A profile of the shared credentials file, and that file when not the SDK's default. */
  record Profile(String name, Optional<Path> file) {}
}
