package dev.corvus.dns.plugin.route53;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Lists every hosted zone's record sets, page by page, into fresh {@link ZoneRecords} and swaps
 * them in; a hosted zone whose listing fails keeps the records of its last good listing (CoreDNS
 * logs the error and serves what it had). Runs on the plugin's own thread: the SDK client blocks.
 */
final class ZoneSync {

  private static final Logger log = LoggerFactory.getLogger(ZoneSync.class);
  /** CoreDNS asks for this many record sets a page (the API's maximum). */
  static final String PAGE_SIZE = "1000";

  private final Route53Config config;
  private final Route53Client client;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> zones;
  private final boolean[] checked;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();

  ZoneSync(Route53Config config, Route53Client client, Map<Name, AtomicReferenceArray<ZoneRecords>> zones) {
    this.config = config;
    this.client = client;
    this.zones = zones;
    int count = 0;
    for (List<String> ids : config.zones().values()) {
      count += ids.size();
    }
    this.checked = new boolean[count];
  }

  /** Completes when every hosted zone has been listed once. */
  CompletableFuture<Void> firstLoad() {
    return firstLoad;
  }

  /** One refresh of every hosted zone; failures are logged and leave that zone's last copy. */
  void refresh() {
    boolean complete = true;
    int index = 0;
    for (Map.Entry<Name, List<String>> zone : config.zones().entrySet()) {
      AtomicReferenceArray<ZoneRecords> slots = zones.get(zone.getKey());
      for (int i = 0; i < zone.getValue().size(); i++, index++) {
        String id = zone.getValue().get(i);
        try {
          if (!checked[index]) {
            // CoreDNS checks each ZONE:ID pair exists before serving it
            client.listHostedZonesByName(r -> r.dnsName(zone.getKey().toString()).hostedZoneId(id));
            checked[index] = true;
          }
          ZoneRecords records = list(zone.getKey(), id);
          slots.set(i, records);
          log.debug("route53: {} ({}) listed, {} records", zone.getKey(), id, records.size());
        } catch (RuntimeException e) {
          log.error("route53: failed to update {}:{}, serving its last listing if any: {}", zone.getKey(), id, e.toString());
        }
        complete &= slots.get(i) != null;
      }
    }
    if (complete) {
      firstLoad.complete(null);
    }
  }

  private ZoneRecords list(Name zone, String id) {
    ZoneRecords.Builder builder = new ZoneRecords.Builder(zone);
    ListResourceRecordSetsRequest request =
        ListResourceRecordSetsRequest.builder().hostedZoneId(id).maxItems(PAGE_SIZE).build();
    while (true) {
      ListResourceRecordSetsResponse page = client.listResourceRecordSets(request);
      for (ResourceRecordSet set : page.resourceRecordSets()) {
        try {
          for (Record record : RecordSets.records(set)) {
            builder.add(record);
          }
        } catch (RecordSets.Unusable e) {
          log.warn("route53: failed to process resource record set: {}", e.getMessage());
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return builder.build();
      }
      request = request.toBuilder()
          .startRecordName(page.nextRecordName())
          .startRecordType(page.nextRecordTypeAsString())
          .startRecordIdentifier(page.nextRecordIdentifier())
          .build();
    }
  }

  /** Every hosted zone's current records, for tests and the count gauge. */
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
