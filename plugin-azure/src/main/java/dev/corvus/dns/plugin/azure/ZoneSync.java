package dev.corvus.dns.plugin.azure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Lists every Azure DNS zone's record sets into fresh {@link ZoneRecords} and swaps them in. A
 * zone whose listing fails keeps the records of its last good listing and the error is logged
 * (CoreDNS logs it too, but swaps in what it got, possibly nothing). Runs on the plugin's own
 * thread: the SDK client blocks.
 */
final class ZoneSync {

  static final Logger LOG = LoggerFactory.getLogger(ZoneSync.class);

  private final AzureConfig config;
  private final ZoneLister lister;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> zones;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();

  ZoneSync(AzureConfig config, ZoneLister lister, Map<Name, AtomicReferenceArray<ZoneRecords>> zones) {
    this.config = config;
    this.lister = lister;
    this.zones = zones;
  }

  /** Completes when every Azure zone has been listed once. */
  CompletableFuture<Void> firstLoad() {
    return firstLoad;
  }

  /** One refresh of every Azure zone; failures are logged and leave that zone's last copy. */
  void refresh() {
    boolean complete = true;
    for (Map.Entry<Name, List<AzureConfig.AzureZone>> zone : config.zones().entrySet()) {
      AtomicReferenceArray<ZoneRecords> slots = zones.get(zone.getKey());
      for (int i = 0; i < zone.getValue().size(); i++) {
        AzureConfig.AzureZone listed = zone.getValue().get(i);
        try {
          ZoneRecords records = lister.list(zone.getKey(), listed);
          slots.set(i, records);
          LOG.debug("azure: {} ({}) listed, {} records", zone.getKey(), listed, records.size());
        } catch (RuntimeException e) {
          LOG.error("azure: failed to list the record sets of {} ({}), serving its last listing if any: {}",
              zone.getKey(), listed, e.toString());
        }
        complete &= slots.get(i) != null;
      }
    }
    if (complete) {
      firstLoad.complete(null);
    }
  }
}
