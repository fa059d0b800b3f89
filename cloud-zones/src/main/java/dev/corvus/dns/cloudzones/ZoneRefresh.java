package dev.corvus.dns.cloudzones;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Lists every listed zone's record sets into fresh {@link ZoneRecords} and swaps them into the
 * table; a listed zone whose listing fails keeps the records of its last good listing (CoreDNS
 * logs the error and serves what it had). Runs on the directive's refresh thread only.
 */
final class ZoneRefresh<S> {

  private static final Logger log = LoggerFactory.getLogger(ZoneRefresh.class);

  private final String directive;
  private final ZoneTable<S> table;
  private final RecordSource<S> source;
  private final boolean[] checked;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();

  ZoneRefresh(String directive, ZoneTable<S> table, RecordSource<S> source) {
    this.directive = directive;
    this.table = table;
    this.source = source;
    int count = 0;
    for (List<S> listed : table.sources().values()) {
      count += listed.size();
    }
    this.checked = new boolean[count];
  }

  /** Completes when every listed zone has been listed once. */
  CompletableFuture<Void> firstLoad() {
    return firstLoad;
  }

  /** One refresh of every listed zone; failures are logged and leave that zone's last copy. */
  void refresh() {
    if (!source.connect()) {
      return;
    }
    boolean complete = true;
    int index = 0;
    for (Map.Entry<Name, List<S>> zone : table.sources().entrySet()) {
      AtomicReferenceArray<ZoneRecords> slots = table.records(zone.getKey());
      for (int i = 0; i < zone.getValue().size(); i++, index++) {
        S listed = zone.getValue().get(i);
        try {
          if (!checked[index]) {
            source.check(zone.getKey(), listed);
            checked[index] = true;
          }
          ZoneRecords.Builder builder = new ZoneRecords.Builder(zone.getKey());
          source.list(zone.getKey(), listed, builder);
          ZoneRecords records = builder.build();
          slots.set(i, records);
          log.debug("{}: {}:{} listed, {} records", directive, zone.getKey(), listed, records.size());
        } catch (IOException | RuntimeException e) {
          log.error("{}: failed to update {}:{}, serving its last listing if any: {}", directive, zone.getKey(),
              listed, e.toString());
        }
        complete &= slots.get(i) != null;
      }
    }
    if (complete) {
      firstLoad.complete(null);
    }
  }
}
