package dev.corvus.dns.conformance;

import dev.corvus.dns.conformance.ConformanceFile.CaseSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** The query a case sends, built as CoreDNS's {@code test.Case.Msg} builds it. */
final class Queries {

  private Queries() {}

  static Message of(CaseSpec c) throws TextParseException {
    return of(c, -1);
  }

  /**
   * The query of {@code c}; an IXFR carries a SOA of the queried name with {@code serial} in its
   * authority section (RFC 1995 §3) when {@code serial} is not negative.
   */
  static Message of(CaseSpec c, long serial) throws TextParseException {
    int type = Type.value(c.qtype());
    if (type < 0) {
      throw new IllegalArgumentException("unknown type " + c.qtype());
    }
    int dclass = c.qclass() == null ? DClass.IN : DClass.value(c.qclass());
    Message query = Message.newQuery(Record.newRecord(Name.fromString(c.qname(), Name.root), type, dclass));
    query.getHeader().setID(ThreadLocalRandom.current().nextInt(0x10000));
    // miekg/dns's SetQuestion asks for recursion
    query.getHeader().setFlag(Flags.RD);
    if (c.queryFlags() != null) {
      for (String flag : c.queryFlags()) {
        query.getHeader().setFlag(Flags.value(flag.toLowerCase(java.util.Locale.ROOT)));
      }
    }
    if (serial >= 0) {
      Name zone = Name.fromString(c.qname(), Name.root);
      query.addRecord(new SOARecord(zone, DClass.IN, 0, zone, zone, serial, 0, 0, 0, 0), Section.AUTHORITY);
    }
    List<EDNSOption> options = new ArrayList<>();
    if (c.options() != null) {
      for (String option : c.options()) {
        int colon = option.indexOf(':');
        options.add(new GenericEDNSOption(Integer.decode(option.substring(0, colon)),
            HexFormat.of().parseHex(option.substring(colon + 1))));
      }
    }
    if (c.doBit()) {
      query.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO, options), Section.ADDITIONAL);
    } else if (c.bufsize() != null || c.options() != null) {
      query.addRecord(new OPTRecord(c.bufsize() == null ? 4096 : c.bufsize(), 0, 0, 0, options), Section.ADDITIONAL);
    }
    return query;
  }
}
