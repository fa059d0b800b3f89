package dev.corvus.dns.plugin.etcd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
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
import org.xbill.DNS.Type;

/**
 * The answers CoreDNS's service backends give (CoreDNS's {@code plugin/backend_lookup.go}), over
 * the SkyDNS records of a {@link Backend}: address records and CNAMEs followed inside the zone,
 * SRV with weights shared per priority, MX for mail records, TXT, PTR, the apex's NS from {@code
 * ns.dns.ZONE} and a made-up SOA.
 */
final class SkyDnsAnswers {

  /** What answers are made from. */
  interface Backend {
    /**
     * The services for {@code name} after grouping, or {@code null} when no key exists for it.
     *
     * @param exact only the name's own key, not the keys below it
     * @param qtype the type asked for (TXT keeps records that have only text)
     */
    List<SkyDnsService> services(Name name, boolean exact, int qtype);
  }

  /** CoreDNS stops following CNAMEs inside the zone after this many. */
  private static final int MAX_CNAME_CHAIN = 10;
  /** CoreDNS's {@code MinTTL} of the etcd backend, the SOA's minimum and TTL. */
  static final long SOA_TTL = 30;
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private final Backend backend;

  SkyDnsAnswers(Backend backend) {
    this.backend = backend;
  }

  /** Raised while building an answer: no such name, or a backend that cannot answer. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean nameError;

    Failure(boolean nameError, String message) {
      super(message, null, false, false);
      this.nameError = nameError;
    }
  }

  private static final Failure NAME_ERROR = new Failure(true, "no such name");

  // ---- A, AAAA, TXT ------------------------------------------------------------------------

  Parts address(Name zone, Name owner, int qtype, List<Record> previous) throws Failure {
    List<SkyDnsService> services = checkForApex(zone, owner, qtype);
    Parts parts = new Parts();
    Set<String> seen = new HashSet<>();
    for (SkyDnsService service : services) {
      InetAddress ip = service.address();
      if (ip == null) {
        followCname(zone, owner, qtype, previous, service, parts);
        continue;
      }
      boolean v4 = ip instanceof Inet4Address;
      if (qtype == Type.A && v4 && seen.add(service.host())) {
        parts.add(new ARecord(owner, DClass.IN, service.ttl(), ip));
      } else if (qtype == Type.AAAA && !v4 && seen.add(service.host())) {
        parts.add(new AAAARecord(owner, DClass.IN, service.ttl(), ip));
      }
    }
    return parts;
  }

  Parts txt(Name zone, Name owner, List<Record> previous) throws Failure {
    List<SkyDnsService> services = services(owner, false, Type.TXT);
    Parts parts = new Parts();
    Set<String> seen = new HashSet<>();
    for (SkyDnsService service : services) {
      if (service.address() != null) {
        continue;
      }
      if (service.text().isEmpty()) {
        followCname(zone, owner, Type.TXT, previous, service, parts);
        continue;
      }
      if (seen.add(service.text())) {
        Record txt = txtRecord(owner, service);
        if (txt != null) {
          parts.add(txt);
        }
      }
    }
    return parts;
  }

  /** A host that is a name: a CNAME, followed in the zone or resolved through the server. */
  private void followCname(Name zone, Name owner, int qtype, List<Record> previous, SkyDnsService service,
      Parts parts) throws Failure {
    Name target = service.hostName();
    if (target == null || target.equals(owner)) {
      return;
    }
    CNAMERecord cname = new CNAMERecord(owner, DClass.IN, service.ttl(), target);
    if (previous.size() > MAX_CNAME_CHAIN || isDuplicate(cname, previous)) {
      return;
    }
    if (target.subdomain(zone)) {
      List<Record> chain = new ArrayList<>(previous);
      chain.add(cname);
      Parts next;
      try {
        next = qtype == Type.TXT ? txt(zone, target, chain) : address(zone, target, qtype, chain);
      } catch (Failure e) {
        return;
      }
      parts.truncated |= next.truncated;
      if (!next.isEmpty()) {
        parts.add(cname);
        parts.addAll(next);
      }
      return;
    }
    parts.defer(new Parts.Deferred(cname, target, qtype, false));
  }

  private static boolean isDuplicate(CNAMERecord cname, List<Record> previous) {
    for (Record r : previous) {
      if (r.equals(cname)) {
        return true;
      }
    }
    return false;
  }

  private List<SkyDnsService> checkForApex(Name zone, Name owner, int qtype) throws Failure {
    if (!owner.equals(zone)) {
      return services(owner, false, qtype);
    }
    // CoreDNS keeps the zone's own addresses below apex.dns.ZONE, and falls back to the zone
    List<SkyDnsService> apex = backend.services(concatenate("apex.dns", zone), false, qtype);
    if (apex != null) {
      return apex;
    }
    return services(owner, false, qtype);
  }

  // ---- SRV, MX ----------------------------------------------------------------------------

  /** SRV records in the answer, the targets' addresses in {@code extra}. */
  Parts srv(Name zone, Name owner, Parts extra) throws Failure {
    List<SkyDnsService> services = services(owner, false, Type.SRV);
    Parts parts = new Parts();
    Map<Long, Long> shares = new HashMap<>();
    for (SkyDnsService service : services) {
      long weight = service.weight() == 0 ? 100 : service.weight();
      shares.merge(service.priority(), weight, Long::sum);
    }
    Set<Object> seen = new HashSet<>();
    Set<Name> looked = new HashSet<>();
    for (SkyDnsService service : services) {
      if (service.port() == -1) {
        continue;
      }
      double share = 100.0 / shares.get(service.priority());
      share *= service.weight() == 0 ? 100 : service.weight();
      int weight = (int) ((long) Math.floor(share) & 0xFFFF);
      if (weight == 0) {
        weight = 1;
      }
      InetAddress ip = service.address();
      if (ip == null) {
        Name target = strip(service.hostName(), service.targetStrip());
        if (target == null) {
          continue;
        }
        parts.add(srvRecord(owner, service, weight, target));
        if (looked.add(target)) {
          targetAddresses(zone, target, extra);
        }
        continue;
      }
      Name target = strip(name(SkyDnsPath.domain(service.key())), service.targetStrip());
      if (target == null) {
        continue;
      }
      if (seen.add(List.of(target, "", uint16(service.port())))) {
        parts.add(srvRecord(owner, service, weight, target));
      }
      if (seen.add(List.of(target, service.host(), 0))) {
        extra.add(addressRecord(target, service, ip));
      }
    }
    return parts;
  }

  /** MX records for the mail records among the name's, the exchanges' addresses in {@code extra}. */
  Parts mx(Name zone, Name owner, Parts extra) throws Failure {
    List<SkyDnsService> services = services(owner, false, Type.MX);
    Parts parts = new Parts();
    Set<Object> seen = new HashSet<>();
    Set<Name> looked = new HashSet<>();
    for (SkyDnsService service : services) {
      if (!service.mail()) {
        continue;
      }
      InetAddress ip = service.address();
      if (ip == null) {
        Name exchange = strip(service.hostName(), service.targetStrip());
        if (exchange == null) {
          continue;
        }
        parts.add(new MXRecord(owner, DClass.IN, service.ttl(), uint16(service.priority()), exchange));
        if (looked.add(exchange)) {
          targetAddresses(zone, exchange, extra);
        }
        continue;
      }
      Name host = name(SkyDnsPath.domain(service.key()));
      Name exchange = strip(host, service.targetStrip());
      if (host == null || exchange == null) {
        continue;
      }
      if (seen.add(List.of(exchange, "", uint16(service.priority())))) {
        parts.add(new MXRecord(owner, DClass.IN, service.ttl(), uint16(service.priority()), exchange));
      }
      if (seen.add(List.of(host, service.host(), 0))) {
        extra.add(addressRecord(host, service, ip));
      }
    }
    return parts;
  }

  /** The addresses of an SRV or MX target: from the zone's own records, or through the server. */
  private void targetAddresses(Name zone, Name target, Parts extra) {
    if (!target.subdomain(zone)) {
      extra.defer(new Parts.Deferred(null, target, Type.A, false));
      extra.defer(new Parts.Deferred(null, target, Type.AAAA, true));
      return;
    }
    try {
      extra.addAll(address(zone, target, Type.A, List.of()));
    } catch (Failure ignored) {
      // CoreDNS adds nothing when the target has no records
    }
  }

  // ---- CNAME, PTR, NS, SOA -----------------------------------------------------------------

  Parts cname(Name owner) throws Failure {
    List<SkyDnsService> services = services(owner, true, Type.CNAME);
    Parts parts = new Parts();
    if (!services.isEmpty()) {
      SkyDnsService first = services.get(0);
      Name target = first.hostName();
      if (target != null) {
        parts.add(new CNAMERecord(owner, DClass.IN, first.ttl(), target));
      }
    }
    return parts;
  }

  Parts ptr(Name owner) throws Failure {
    List<SkyDnsService> services = services(owner, true, Type.PTR);
    Parts parts = new Parts();
    Set<String> seen = new HashSet<>();
    for (SkyDnsService service : services) {
      if (service.address() == null && seen.add(service.host())) {
        Name target = service.hostName();
        if (target != null) {
          parts.add(new PTRRecord(owner, DClass.IN, service.ttl(), target));
        }
      }
    }
    return parts;
  }

  /** The apex's NS records from the addresses below {@code ns.dns.ZONE}, their addresses in {@code extra}. */
  Parts ns(Name zone, Name owner, Parts extra) throws Failure {
    List<SkyDnsService> services = services(concatenate("ns.dns", zone), false, Type.NS);
    Parts parts = new Parts();
    Set<Name> seen = new HashSet<>();
    for (SkyDnsService service : services) {
      InetAddress ip = service.address();
      if (ip == null) {
        throw new Failure(false, "NS record must be an IP address: " + service.host());
      }
      Name host = strip(name(SkyDnsPath.domain(service.key())), service.targetStrip());
      if (host == null) {
        continue;
      }
      extra.add(addressRecord(host, service, ip));
      if (seen.add(host)) {
        parts.add(new NSRecord(owner, DClass.IN, service.ttl(), host));
      }
    }
    return parts;
  }

  /** CoreDNS's SOA for a service backend: made up, its serial the current time. */
  static SOARecord soa(Name zone, long epochSeconds) {
    return new SOARecord(zone, DClass.IN, SOA_TTL, concatenate("ns.dns", zone), concatenate("hostmaster", zone),
        epochSeconds & 0xFFFF_FFFFL, 7200, 1800, 86400, SOA_TTL);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private List<SkyDnsService> services(Name name, boolean exact, int qtype) throws Failure {
    List<SkyDnsService> services = backend.services(name, exact, qtype);
    if (services == null) {
      throw NAME_ERROR;
    }
    return services;
  }

  private static Record srvRecord(Name owner, SkyDnsService service, int weight, Name target) {
    return new SRVRecord(owner, DClass.IN, service.ttl(), uint16(service.priority()), weight,
        uint16(service.port()), target);
  }

  private static Record addressRecord(Name owner, SkyDnsService service, InetAddress ip) {
    return ip instanceof Inet4Address
        ? new ARecord(owner, DClass.IN, service.ttl(), ip)
        : new AAAARecord(owner, DClass.IN, service.ttl(), ip);
  }

  private static Record txtRecord(Name owner, SkyDnsService service) {
    String text = service.text();
    List<String> strings = new ArrayList<>();
    if (text.length() < 255) {
      strings.add(text);
    } else {
      for (int i = 0; i < text.length(); i += 255) {
        strings.add(text.substring(i, Math.min(text.length(), i + 255)));
      }
    }
    try {
      return new TXTRecord(owner, DClass.IN, service.ttl(), strings);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int uint16(long value) {
    return (int) (value & 0xFFFF);
  }

  private static Name concatenate(String labels, Name zone) {
    try {
      return Name.concatenate(Name.fromString(labels), zone);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      return zone;
    }
  }

  /** A host as an absolute name ({@code dns.Fqdn}), or {@code null} when it is not a valid name. */
  static Name name(String host) {
    if (host.isEmpty()) {
      return Name.root;
    }
    try {
      return Name.fromString(host.endsWith(".") ? host : host + ".");
    } catch (TextParseException e) {
      return null;
    }
  }

  /** CoreDNS's {@code targetStrip}: drops leading labels, unless that would leave none. */
  static Name strip(Name name, long labels) {
    if (name == null || labels <= 0) {
      return name;
    }
    int own = name.labels() - 1;
    if (labels >= own) {
      return name;
    }
    return new Name(name, (int) labels);
  }

  /**
   * The host as Go's {@code net.ParseIP} reads it: a dotted IPv4 address without leading zeros,
   * or an IPv6 address (an IPv4-mapped one counts as IPv4); {@code null} for a name.
   */
  static InetAddress address(String host) {
    if (host.isEmpty()) {
      return null;
    }
    if (host.indexOf(':') >= 0) {
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
          return null;
        }
      }
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        return null;
      }
    }
    Matcher m = IPV4.matcher(host);
    if (!m.matches()) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String octet = m.group(i + 1);
      int value = Integer.parseInt(octet);
      if (value > 255 || (octet.length() > 1 && octet.charAt(0) == '0')) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
