package dev.corvus.dns.plugin.clouddns;

import com.google.api.services.dns.model.ResourceRecordSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Cloud DNS resource record sets as DNS records, the way CoreDNS's clouddns plugin reads them. */
final class RecordSets {

  private RecordSets() {}

  /** A record set that cannot be served; logged and skipped. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message);
    }
  }

  /**
   * The records of one set, one per value of its {@code rrdatas}, each read as the text of a zone
   * file line relative to the root. A set without values (one with a routing policy instead)
   * gives none: CoreDNS serves only the values a set lists.
   */
  static List<Record> records(ResourceRecordSet set) throws Unusable {
    List<Record> records = new ArrayList<>();
    List<String> values = set.getRrdatas() == null ? List.of() : set.getRrdatas();
    if (values.isEmpty()) {
      return records;
    }
    String typeName = String.valueOf(set.getType());
    int type = Type.value(typeName);
    if (type < 0) {
      throw new Unusable("unsupported record type " + typeName + " of " + set.getName());
    }
    long ttl = set.getTtl() == null ? 0 : set.getTtl();
    Name name;
    try {
      name = Name.fromString(String.valueOf(set.getName()), Name.root);
    } catch (IOException e) {
      throw new Unusable("invalid name " + set.getName() + ": " + e.getMessage());
    }
    for (String value : values) {
      String rdata = value;
      if ((type == Type.CNAME || type == Type.PTR) && !rdata.endsWith(".")) {
        // CoreDNS makes CNAME and PTR targets fully qualified
        rdata = rdata + ".";
      }
      try {
        records.add(Record.fromString(name, type, DClass.IN, ttl, rdata, Name.root));
      } catch (IOException | IllegalArgumentException e) {
        throw new Unusable("failed to parse resource record " + name + " " + ttl + " IN " + typeName + " "
            + rdata + ": " + e.getMessage());
      }
    }
    return records;
  }
}
