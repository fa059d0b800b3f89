package dev.corvus.dns.plugin.azure;

import dev.corvus.dns.api.Fallthrough;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The validated {@code azure} directive.
 *
 * @param zones each zone served and the Azure DNS zones holding its record sets, in the order
 *     written (several for one zone are asked in that order)
 * @param tenant the Microsoft Entra tenant ({@code tenant}), when given
 * @param client the application (client) ID ({@code client}), when given
 * @param secret the client secret ({@code secret}); without it the managed identity is used, as
 *     CoreDNS does
 * @param subscription the subscription holding the resource groups ({@code subscription})
 * @param cloud the Azure cloud whose endpoints are used ({@code environment})
 * @param fallthrough which names without records go to the next plugin
 * @param refresh how often the record sets are listed again (1 minute, CoreDNS's fixed interval)
 */
record AzureConfig(
    Map<Name, List<AzureZone>> zones,
    Optional<String> tenant,
    Optional<String> client,
    Optional<Secret> secret,
    Optional<String> subscription,
    Cloud cloud,
    Fallthrough fallthrough,
    Duration refresh) {

  static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

  AzureConfig {
    Map<Name, List<AzureZone>> copy = new LinkedHashMap<>();
    zones.forEach((zone, hosted) -> copy.put(zone, List.copyOf(hosted)));
    zones = Collections.unmodifiableMap(copy);
  }

  /**
   * One Azure DNS zone: its resource group, its name as the API knows it (no trailing dot), and
   * whether it is a private zone ({@code Microsoft.Network/privateDnsZones}) or a public one.
   */
  record AzureZone(String resourceGroup, String name, boolean isPrivate) {
    @Override
    public String toString() {
      return resourceGroup + ":" + name + (isPrivate ? " (private)" : "");
    }
  }

  /** A client secret, kept out of logs. */
  record Secret(String value) {
    @Override
    public String toString() {
      return "(hidden)";
    }
  }

  /**
   * The endpoints of an Azure cloud.
   *
   * @param name the name written after {@code environment}, upper-cased
   * @param resourceManager the Azure Resource Manager endpoint the DNS APIs are called on
   * @param activeDirectory the Microsoft Entra endpoint tokens are asked from
   * @param tokenAudience what tokens are asked for ({@code AUDIENCE/.default})
   * @param instanceDiscovery whether the identity library validates the authority against
   *     Microsoft's list of known clouds (not for Azure Stack, whose authority is its own)
   */
  record Cloud(String name, URI resourceManager, URI activeDirectory, URI tokenAudience, boolean instanceDiscovery) {}
}
