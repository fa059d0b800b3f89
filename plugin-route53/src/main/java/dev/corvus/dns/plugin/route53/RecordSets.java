package dev.corvus.dns.plugin.route53;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** Route 53 record sets as DNS records, the way CoreDNS's route53 plugin reads them. */
final class RecordSets {

  private RecordSets() {}

  /** A record set that cannot be served; logged and skipped, as CoreDNS does. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message);
    }
  }

  /**
   * The records of one set. Alias record sets (no values, an alias target) give none: CoreDNS
   * serves only the values a set lists.
   */
  static List<Record> records(ResourceRecordSet set) throws Unusable {
    List<Record> records = new ArrayList<>();
    for (ResourceRecord value : set.resourceRecords()) {
      String owner = unescape(set.name());
      String rdata = unescape(value.value());
      int type = Type.value(set.typeAsString());
      if (type < 0) {
        throw new Unusable("unsupported record type " + set.typeAsString() + " of " + set.name());
      }
      long ttl = set.ttl() == null ? 0 : set.ttl();
      try {
        Name name = Name.fromString(owner, Name.root);
        records.add(Record.fromString(name, type, DClass.IN, ttl, rdata, Name.root));
      } catch (IOException | IllegalArgumentException e) {
        throw new Unusable("failed to parse resource record " + owner + " " + ttl + " IN " + set.typeAsString()
            + " " + rdata + ": " + e.getMessage());
      }
    }
    return records;
  }

  /**
   * Route 53 returns characters other than a-z, 0-9, '-' and '_' as octal escapes ({@code \052}
   * for '*'). As CoreDNS, only a-z, 0-9, '-', '.' and a leading '*' (a wildcard) are taken back;
   * anything else makes the set unusable.
   */
  static String unescape(String escaped) throws Unusable {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int slash = escaped.indexOf('\\', i);
      if (slash < 0) {
        return out.append(escaped, i, escaped.length()).toString();
      }
      out.append(escaped, i, slash);
      if (slash + 4 > escaped.length()) {
        throw new Unusable("invalid escape sequence: '\\" + escaped.substring(slash + 1) + "'");
      }
      String digits = escaped.substring(slash + 1, slash + 4);
      int c;
      try {
        c = Integer.parseInt(digits, 8);
      } catch (NumberFormatException e) {
        throw new Unusable("invalid escape sequence: '\\" + digits + "'");
      }
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (c == '*') {
        if (out.length() != 0) {
          throw new Unusable("'*' only supported as wildcard (leftmost label)");
        }
        allowed = true;
      }
      if (!allowed) {
        throw new Unusable(String.format("invalid character: \\%03o", c));
      }
      out.append((char) c);
      i = slash + 4;
    }
  }
}
