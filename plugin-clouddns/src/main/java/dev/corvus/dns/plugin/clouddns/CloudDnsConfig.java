package dev.corvus.dns.plugin.clouddns;

import dev.corvus.dns.api.Fallthrough;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The validated {@code clouddns} directive.
 *
 * @param zones each zone and the managed zones that serve it, in the order written (several managed
 *     zones for one zone are asked in that order, as CoreDNS does)
 * @param credentials the credentials file from {@code credentials}, its type checked; without it
 *     Google's application default credentials are used
 * @param fallthrough which names without records go to the next plugin
 * @param refresh how often the record sets are listed again: 1 minute, as CoreDNS (not an option of
 *     the directive; tests shorten it, see {@link CloudDnsFactory#REFRESH_PROPERTY})
 * @param endpoint the root URL of the Cloud DNS API when not Google's (tests only, see
 *     {@link CloudDnsFactory#ENDPOINT_PROPERTY})
 */
record CloudDnsConfig(
    Map<Name, List<ManagedZone>> zones,
    Optional<Credentials> credentials,
    Fallthrough fallthrough,
    Duration refresh,
    Optional<URI> endpoint) {

  static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

  CloudDnsConfig {
    Map<Name, List<ManagedZone>> copy = new LinkedHashMap<>();
    zones.forEach((zone, managed) -> copy.put(zone, List.copyOf(managed)));
    zones = Collections.unmodifiableMap(copy);
  }

  CloudDnsConfig withRefresh(Duration newRefresh) {
    return new CloudDnsConfig(zones, credentials, fallthrough, newRefresh, endpoint);
  }

  CloudDnsConfig withEndpoint(URI newEndpoint) {
    return new CloudDnsConfig(zones, credentials, fallthrough, refresh, Optional.of(newEndpoint));
  }

  /** A Cloud DNS managed zone: the project holding it and its name there. */
  record ManagedZone(String project, String name) {
    @Override
    public String toString() {
      return project + ":" + name;
    }
  }

  /** A credentials file and the {@code type} it declares. */
  record Credentials(Path file, CredentialType type) {}

  /** The credential types CoreDNS accepts in a credentials file, by their {@code type} value. */
  enum CredentialType {
    SERVICE_ACCOUNT("service_account"),
    AUTHORIZED_USER("authorized_user"),
    IMPERSONATED_SERVICE_ACCOUNT("impersonated_service_account"),
    EXTERNAL_ACCOUNT("external_account");

    private final String json;

    CredentialType(String json) {
      this.json = json;
    }

    String json() {
      return json;
    }

    static Optional<CredentialType> of(String json) {
      for (CredentialType type : values()) {
        if (type.json.equals(json)) {
          return Optional.of(type);
        }
      }
      return Optional.empty();
    }
  }
}
