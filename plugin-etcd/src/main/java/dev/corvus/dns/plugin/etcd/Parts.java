package dev.corvus.dns.plugin.etcd;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The records of one section of an answer in the making: records from memory and, in their
 * place, lookups of names outside the plugin's zones that the server still has to resolve (a
 * CNAME's target, an SRV or MX target's addresses), as CoreDNS's etcd plugin asks its upstream.
 * Answers made only of records complete synchronously.
 */
final class Parts {

  /**
   * A name to resolve through the server.
   *
   * @param cname the CNAME record that leads to it, added before its answer; {@code null} for
   *     additional-section lookups
   * @param target the name to resolve
   * @param type the type to ask for
   * @param dropCnames whether CNAME records of the answer are left out (the AAAA lookups of SRV
   *     and MX targets)
   */
  record Deferred(Record cname, Name target, int type, boolean dropCnames) {}

  final List<Object> items = new ArrayList<>();
  boolean truncated;

  void add(Record record) {
    items.add(record);
  }

  void addAll(Parts other) {
    items.addAll(other.items);
    truncated |= other.truncated;
  }

  void defer(Deferred lookup) {
    items.add(lookup);
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  boolean hasDeferred() {
    for (Object item : items) {
      if (item instanceof Deferred) {
        return true;
      }
    }
    return false;
  }

  /** The records, when nothing is deferred. */
  List<Record> records() {
    List<Record> records = new ArrayList<>(items.size());
    for (Object item : items) {
      records.add((Record) item);
    }
    return records;
  }
}
