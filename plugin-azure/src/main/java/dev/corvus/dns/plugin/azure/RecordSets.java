package dev.corvus.dns.plugin.azure;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * Azure DNS record sets as DNS records, the way CoreDNS's azure plugin reads them: the set's
 * {@code fqdn} is the owner, its TTL every record's; A, AAAA, CNAME, MX, NS, PTR, SOA, SRV and TXT
 * values are served (CAA, which CoreDNS leaves out too, is not). Each TXT value, a list of
 * strings, is one TXT record. Names in values are taken as absolute.
 */
final class RecordSets {

  private RecordSets() {}

  /** A record set that cannot be served; logged and skipped. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String message) {
      super(message);
    }
  }

  /** The values of one set, whichever of public or private zone it came from. */
  private record Values(String fqdn, Long ttl, List<String> a, List<String> aaaa, String cname,
      List<Mx> mx, List<String> ns, List<String> ptr, Soa soa, List<Srv> srv, List<List<String>> txt) {}

  private record Mx(Integer preference, String exchange) {}

  private record Srv(Integer priority, Integer weight, Integer port, String target) {}

  private record Soa(String host, String email, Long serial, Long refresh, Long retry, Long expire, Long minimum) {}

  /** The records of a public zone's set ({@code Microsoft.Network/dnsZones}, API 2018-05-01). */
  static List<Record> records(com.azure.resourcemanager.dns.fluent.models.RecordSetInner set) throws Unusable {
    var soa = set.soaRecord();
    return records(new Values(set.fqdn(), set.ttl(),
        map(set.aRecords(), r -> r.ipv4Address()),
        map(set.aaaaRecords(), r -> r.ipv6Address()),
        set.cnameRecord() == null ? null : java.util.Objects.requireNonNullElse(set.cnameRecord().cname(), ""),
        map(set.mxRecords(), r -> new Mx(r.preference(), r.exchange())),
        map(set.nsRecords(), r -> r.nsdname()),
        map(set.ptrRecords(), r -> r.ptrdname()),
        soa == null ? null : new Soa(soa.host(), soa.email(), soa.serialNumber(), soa.refreshTime(),
            soa.retryTime(), soa.expireTime(), soa.minimumTtl()),
        map(set.srvRecords(), r -> new Srv(r.priority(), r.weight(), r.port(), r.target())),
        map(set.txtRecords(), r -> r.value())));
  }

  /** The records of a private zone's set ({@code Microsoft.Network/privateDnsZones}); they have no NS. */
  static List<Record> records(com.azure.resourcemanager.privatedns.fluent.models.RecordSetInner set) throws Unusable {
    var soa = set.soaRecord();
    return records(new Values(set.fqdn(), set.ttl(),
        map(set.aRecords(), r -> r.ipv4Address()),
        map(set.aaaaRecords(), r -> r.ipv6Address()),
        set.cnameRecord() == null ? null : java.util.Objects.requireNonNullElse(set.cnameRecord().cname(), ""),
        map(set.mxRecords(), r -> new Mx(r.preference(), r.exchange())),
        List.of(),
        map(set.ptrRecords(), r -> r.ptrdname()),
        soa == null ? null : new Soa(soa.host(), soa.email(), soa.serialNumber(), soa.refreshTime(),
            soa.retryTime(), soa.expireTime(), soa.minimumTtl()),
        map(set.srvRecords(), r -> new Srv(r.priority(), r.weight(), r.port(), r.target())),
        map(set.txtRecords(), r -> r.value())));
  }

  private static <T, R> List<R> map(List<T> values, java.util.function.Function<T, R> f) {
    if (values == null) {
      return List.of();
    }
    List<R> out = new ArrayList<>();
    for (T value : values) {
      out.add(f.apply(value));
    }
    return out;
  }

  private static List<Record> records(Values set) throws Unusable {
    if (set.fqdn() == null) {
      throw new Unusable("a record set without fqdn");
    }
    Name owner = name(set.fqdn(), "fqdn", set.fqdn());
    if (set.ttl() == null || set.ttl() < 0 || set.ttl() > 0xFFFFFFFFL) {
      throw new Unusable(set.fqdn() + ": TTL " + set.ttl() + " is not a DNS TTL");
    }
    long ttl = set.ttl();
    List<Record> records = new ArrayList<>();
    try {
      for (String a : set.a()) {
        records.add(new ARecord(owner, DClass.IN, ttl, Address.getByAddress(a, Address.IPv4)));
      }
      for (String aaaa : set.aaaa()) {
        records.add(new AAAARecord(owner, DClass.IN, ttl, Address.getByAddress(aaaa, Address.IPv6)));
      }
    } catch (java.net.UnknownHostException e) {
      throw new Unusable(set.fqdn() + ": not an address: " + e.getMessage());
    }
    if (set.cname() != null) {
      records.add(new CNAMERecord(owner, DClass.IN, ttl, name(set.cname(), "CNAME", set.fqdn())));
    }
    for (Mx mx : set.mx()) {
      records.add(new MXRecord(owner, DClass.IN, ttl, (int) number(mx.preference(), 0xFFFF, "MX preference", set),
          name(mx.exchange(), "MX exchange", set.fqdn())));
    }
    for (String ns : set.ns()) {
      records.add(new NSRecord(owner, DClass.IN, ttl, name(ns, "NS", set.fqdn())));
    }
    for (String ptr : set.ptr()) {
      records.add(new PTRRecord(owner, DClass.IN, ttl, name(ptr, "PTR", set.fqdn())));
    }
    for (Srv srv : set.srv()) {
      records.add(new SRVRecord(owner, DClass.IN, ttl, (int) number(srv.priority(), 0xFFFF, "SRV priority", set),
          (int) number(srv.weight(), 0xFFFF, "SRV weight", set), (int) number(srv.port(), 0xFFFF, "SRV port", set),
          name(srv.target(), "SRV target", set.fqdn())));
    }
    for (List<String> txt : set.txt()) {
      if (txt == null || txt.isEmpty()) {
        continue;
      }
      try {
        records.add(new TXTRecord(owner, DClass.IN, ttl, txt));
      } catch (IllegalArgumentException e) {
        throw new Unusable(set.fqdn() + ": TXT: " + e.getMessage());
      }
    }
    Soa soa = set.soa();
    if (soa != null) {
      long max = 0xFFFFFFFFL;
      records.add(new SOARecord(owner, DClass.IN, ttl, name(soa.host(), "SOA host", set.fqdn()),
          name(soa.email(), "SOA email", set.fqdn()), number(soa.serial(), max, "SOA serial", set),
          number(soa.refresh(), max, "SOA refresh", set), number(soa.retry(), max, "SOA retry", set),
          number(soa.expire(), max, "SOA expire", set), number(soa.minimum(), max, "SOA minimum TTL", set)));
    }
    return records;
  }

  private static Name name(String text, String what, String fqdn) throws Unusable {
    if (text == null || text.isEmpty()) {
      throw new Unusable(fqdn + ": no " + what);
    }
    try {
      // CoreDNS makes every name absolute (dns.Fqdn)
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new Unusable(fqdn + ": " + what + " \"" + text + "\": " + e.getMessage());
    }
  }

  private static long number(Number value, long max, String what, Values set) throws Unusable {
    if (value == null || value.longValue() < 0 || value.longValue() > max) {
      throw new Unusable(set.fqdn() + ": " + what + " " + value + " is out of range");
    }
    return value.longValue();
  }
}
