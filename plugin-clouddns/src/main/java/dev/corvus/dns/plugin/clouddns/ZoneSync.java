package dev.corvus.dns.plugin.clouddns;

import com.google.api.services.dns.Dns;
import com.google.api.services.dns.model.ResourceRecordSet;
import com.google.api.services.dns.model.ResourceRecordSetsListResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Lists every managed zone's record sets, page by page, into fresh {@link ZoneRecords} and swaps
 * them in; a managed zone whose listing fails keeps the records of its last good listing (CoreDNS
 * logs the error and serves what it had). Runs on the plugin's own thread: the client blocks.
 */
final class ZoneSync {

  /** Builds the client; may fail (no credentials yet) and is tried again at the next refresh. */
  @FunctionalInterface
  interface Clients {
    Dns build(CloudDnsConfig config) throws IOException;
  }

  private static final Logger log = LoggerFactory.getLogger(ZoneSync.class);

  private final CloudDnsConfig config;
  private final Clients clients;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> zones;
  private final boolean[] checked;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();
  private Dns client;

  ZoneSync(CloudDnsConfig config, Clients clients, Map<Name, AtomicReferenceArray<ZoneRecords>> zones) {
    this.config = config;
    this.clients = clients;
    this.zones = zones;
    int count = 0;
    for (List<CloudDnsConfig.ManagedZone> managed : config.zones().values()) {
      count += managed.size();
    }
    this.checked = new boolean[count];
  }

  /** Completes when every managed zone has been listed once. */
  CompletableFuture<Void> firstLoad() {
    return firstLoad;
  }

  /** One refresh of every managed zone; failures are logged and leave that zone's last copy. */
  void refresh() {
    if (client == null) {
      try {
        client = clients.build(config);
      } catch (IOException | RuntimeException e) {
        log.error("clouddns: cannot create the Cloud DNS client for {}, trying again at the next refresh: {}",
            config.zones().keySet(), e.toString());
        return;
      }
    }
    boolean complete = true;
    int index = 0;
    for (Map.Entry<Name, List<CloudDnsConfig.ManagedZone>> zone : config.zones().entrySet()) {
      AtomicReferenceArray<ZoneRecords> slots = zones.get(zone.getKey());
      for (int i = 0; i < zone.getValue().size(); i++, index++) {
        CloudDnsConfig.ManagedZone managed = zone.getValue().get(i);
        try {
          if (!checked[index]) {
            // CoreDNS checks each managed zone exists before serving it
            client.managedZones().get(managed.project(), managed.name()).execute();
            checked[index] = true;
          }
          ZoneRecords records = list(zone.getKey(), managed);
          slots.set(i, records);
          log.debug("clouddns: {}:{} listed, {} records", zone.getKey(), managed, records.size());
        } catch (IOException | RuntimeException e) {
          log.error("clouddns: failed to update {}:{}, serving its last listing if any: {}", zone.getKey(), managed,
              e.toString());
        }
        complete &= slots.get(i) != null;
      }
    }
    if (complete) {
      firstLoad.complete(null);
    }
  }

  private ZoneRecords list(Name zone, CloudDnsConfig.ManagedZone managed) throws IOException {
    ZoneRecords.Builder builder = new ZoneRecords.Builder(zone);
    String pageToken = null;
    do {
      ResourceRecordSetsListResponse page = client.resourceRecordSets()
          .list(managed.project(), managed.name())
          .setPageToken(pageToken)
          .execute();
      List<ResourceRecordSet> sets = page.getRrsets() == null ? List.of() : page.getRrsets();
      for (ResourceRecordSet set : sets) {
        try {
          for (Record record : RecordSets.records(set)) {
            builder.add(record);
          }
        } catch (RecordSets.Unusable e) {
          log.warn("clouddns: failed to process resource record set of {}:{}: {}", zone, managed, e.getMessage());
        }
      }
      pageToken = page.getNextPageToken();
    } while (pageToken != null && !pageToken.isEmpty());
    return builder.build();
  }

  /** Every managed zone's current records, for tests. */
  List<ZoneRecords> current() {
    List<ZoneRecords> all = new ArrayList<>();
    for (AtomicReferenceArray<ZoneRecords> slots : zones.values()) {
      for (int i = 0; i < slots.length(); i++) {
        if (slots.get(i) != null) {
          all.add(slots.get(i));
        }
      }
    }
    return all;
  }
}
