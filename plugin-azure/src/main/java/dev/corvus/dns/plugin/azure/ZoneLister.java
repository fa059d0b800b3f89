package dev.corvus.dns.plugin.azure;

import org.xbill.DNS.Name;

/** Lists one Azure DNS zone's record sets; blocks, so it runs on the plugin's own thread. */
@FunctionalInterface
interface ZoneLister {

  /**
   * Every record set of {@code zone}, page by page, as the records of {@code origin}.
   *
   * @throws RuntimeException when the API (or the token endpoint) fails
   */
  ZoneRecords list(Name origin, AzureConfig.AzureZone zone);
}
