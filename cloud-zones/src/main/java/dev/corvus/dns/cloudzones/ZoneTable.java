package dev.corvus.dns.cloudzones;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Name;

/**
 * The zones of one directive, each with the listed zones that serve it in the order written
 * (several for one zone are asked in that order, as CoreDNS does), and the latest records of each:
 * a slot is {@code null} until its listed zone was listed once, then always holds its last good
 * listing. Written by the refresh thread, read by I/O threads.
 *
 * @param <S> how the vendor names a listed zone (a hosted zone ID, a project and managed zone)
 */
final class ZoneTable<S> {

  private final Map<Name, List<S>> sources;
  private final Map<Name, AtomicReferenceArray<ZoneRecords>> records = new LinkedHashMap<>();
  private final List<Name> names;

  ZoneTable(Map<Name, List<S>> sources) {
    Map<Name, List<S>> copy = new LinkedHashMap<>();
    sources.forEach((zone, listed) -> {
      copy.put(zone, List.copyOf(listed));
      records.put(zone, new AtomicReferenceArray<>(listed.size()));
    });
    this.sources = Collections.unmodifiableMap(copy);
    this.names = List.copyOf(copy.keySet());
  }

  /** Each zone and its listed zones, in the order written. */
  Map<Name, List<S>> sources() {
    return sources;
  }

  /** The zones, for the longest match of a query name. */
  List<Name> names() {
    return names;
  }

  /** The records of each listed zone of {@code zone}, in the order they are asked. */
  AtomicReferenceArray<ZoneRecords> records(Name zone) {
    return records.get(zone);
  }
}
