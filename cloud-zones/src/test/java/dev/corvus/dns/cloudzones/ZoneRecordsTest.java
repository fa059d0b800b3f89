package dev.corvus.dns.cloudzones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.corvus.dns.cloudzones.ZoneRecords.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** One listed zone looked up as CoreDNS's file plugin looks up its zone. */
class ZoneRecordsTest {

  private static final String SOA = "example.org. SOA ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300";
  private static final String APEX_NS = "example.org. NS ns1.example.org.";

  private static final ZoneRecords ZONE = zone(
      "example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300",
      "example.org. 300 IN NS ns1.example.org.",
      "example.org. 300 IN MX 10 mail.example.org.",
      "ns1.example.org. 300 IN A 192.0.2.53",
      "mail.example.org. 300 IN A 192.0.2.25",
      "www.example.org. 300 IN A 192.0.2.1",
      "www.example.org. 300 IN AAAA 2001:db8::1",
      "alias.example.org. 300 IN CNAME www.example.org.",
      "alias2.example.org. 300 IN CNAME alias.example.org.",
      "out.example.org. 300 IN CNAME www.example.net.",
      "dangling.example.org. 300 IN CNAME nothing.example.org.",
      "*.wild.example.org. 300 IN A 192.0.2.2",
      "_sip._tcp.example.org. 300 IN SRV 0 0 5060 sip.example.org.",
      "sip.example.org. 300 IN A 192.0.2.60",
      "sub.example.org. 300 IN NS ns.sub.example.org.",
      "ns.sub.example.org. 300 IN A 192.0.2.54",
      "www.example.net. 300 IN A 198.51.100.1");

  static Stream<Arguments> lookups() {
    return Stream.of(
        // qname, qtype, result, answer, authority, additional
        row("www.example.org.", Type.A, Result.SUCCESS, List.of("www.example.org. A 192.0.2.1"),
            List.of(APEX_NS), List.of()),
        row("example.org.", Type.SOA, Result.SUCCESS, List.of(SOA), List.of(APEX_NS), List.of()),
        row("example.org.", Type.NS, Result.SUCCESS, List.of(APEX_NS), List.of(),
            List.of("ns1.example.org. A 192.0.2.53")),
        row("example.org.", Type.MX, Result.SUCCESS, List.of("example.org. MX 10 mail.example.org."),
            List.of(APEX_NS), List.of("mail.example.org. A 192.0.2.25")),
        row("www.example.org.", Type.TXT, Result.NO_DATA, List.of(), List.of(SOA), List.of()),
        row("nope.example.org.", Type.A, Result.NAME_ERROR, List.of(), List.of(SOA), List.of()),
        // an empty non-terminal: no records, but _sip._tcp below it; neither NODATA nor an answer
        row("_tcp.example.org.", Type.A, Result.EMPTY_NON_TERMINAL, List.of(), List.of(SOA), List.of()),
        row("wild.example.org.", Type.A, Result.EMPTY_NON_TERMINAL, List.of(), List.of(SOA), List.of()),
        row("_sip._tcp.example.org.", Type.SRV, Result.SUCCESS,
            List.of("_sip._tcp.example.org. SRV 0 0 5060 sip.example.org."), List.of(APEX_NS),
            List.of("sip.example.org. A 192.0.2.60")),
        // RFC 4592 §3.3.1: the wildcard of the closest encloser, at any depth below it
        row("a.wild.example.org.", Type.A, Result.SUCCESS, List.of("a.wild.example.org. A 192.0.2.2"),
            List.of(APEX_NS), List.of()),
        row("b.c.wild.example.org.", Type.A, Result.SUCCESS, List.of("b.c.wild.example.org. A 192.0.2.2"),
            List.of(APEX_NS), List.of()),
        row("a.wild.example.org.", Type.TXT, Result.NO_DATA, List.of(), List.of(SOA), List.of()),
        // the closest encloser _tcp has no wildcard: the apex's absence of one does not matter
        row("x._tcp.example.org.", Type.A, Result.NAME_ERROR, List.of(), List.of(SOA), List.of()),
        // CNAMEs followed inside the zone
        row("alias2.example.org.", Type.A, Result.SUCCESS,
            List.of("alias2.example.org. CNAME alias.example.org.", "alias.example.org. CNAME www.example.org.",
                "www.example.org. A 192.0.2.1"),
            List.of(APEX_NS), List.of()),
        row("alias.example.org.", Type.CNAME, Result.SUCCESS, List.of("alias.example.org. CNAME www.example.org."),
            List.of(APEX_NS), List.of()),
        // RFC 6604 §3: a chain ending in a name that does not exist is still the answer
        row("dangling.example.org.", Type.A, Result.SUCCESS,
            List.of("dangling.example.org. CNAME nothing.example.org."), List.of(SOA), List.of()),
        // a CNAME leaving the zone: the records outside the zone were never kept
        row("out.example.org.", Type.A, Result.SUCCESS, List.of("out.example.org. CNAME www.example.net."),
            List.of(APEX_NS), List.of()),
        // RFC 1034 §4.3.2: at or below a zone cut, a referral with glue
        row("host.sub.example.org.", Type.A, Result.DELEGATION, List.of(),
            List.of("sub.example.org. NS ns.sub.example.org."), List.of("ns.sub.example.org. A 192.0.2.54")),
        row("sub.example.org.", Type.A, Result.DELEGATION, List.of(),
            List.of("sub.example.org. NS ns.sub.example.org."), List.of("ns.sub.example.org. A 192.0.2.54")),
        // DS is the parent's: asked at the cut, no referral
        row("sub.example.org.", Type.DS, Result.NO_DATA, List.of(), List.of(SOA), List.of()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("lookups")
  void looksUpAsCoreDnsFilePlugin(String qname, String qtype, Result result, List<String> answer,
      List<String> authority, List<String> additional) {
    ZoneRecords.Lookup found = ZONE.lookup(Name.fromConstantString(qname), Type.value(qtype));
    assertEquals(result, found.result());
    assertEquals(answer, text(found.answer()), "answer");
    assertEquals(authority, text(found.authority()), "authority");
    assertEquals(additional, text(found.additional()), "additional");
  }

  @Test
  void aCnameLeavingTheZoneNamesItsTarget() {
    assertEquals(Name.fromConstantString("www.example.net."),
        ZONE.lookup(Name.fromConstantString("out.example.org."), Type.A).cnameTarget());
    assertNull(ZONE.lookup(Name.fromConstantString("alias.example.org."), Type.A).cnameTarget());
  }

  @Test
  void aCnameLoopStopsAfterEightHops() {
    ZoneRecords loop = zone("a.example.org. 300 IN CNAME b.example.org.", "b.example.org. 300 IN CNAME a.example.org.");
    ZoneRecords.Lookup found = loop.lookup(Name.fromConstantString("a.example.org."), Type.A);
    assertEquals(Result.SUCCESS, found.result());
    assertEquals(9, found.answer().size(), "the first CNAME and eight more");
  }

  @Test
  void anSoaOfAnyOwnerIsTheZonesAndRecordsOutsideTheZoneAreLeftOut() {
    // CoreDNS's route53_test lists the SOA of "org." in the hosted zone of example.org.
    ZoneRecords zone = zone(
        "org. 300 IN SOA ns-15.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
        "www.example.org. 300 IN A 192.0.2.1",
        "www.example.com. 300 IN A 192.0.2.9");
    assertEquals(2, zone.size(), "the SOA and www.example.org.");
    assertEquals(List.of("org. SOA ns-15.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"),
        text(zone.lookup(Name.fromConstantString("nope.example.org."), Type.A).authority()));
  }

  @Test
  void aZoneWithoutSoaAnswersNegativelyWithoutAuthority() {
    ZoneRecords zone = zone("www.example.org. 300 IN A 192.0.2.1");
    ZoneRecords.Lookup found = zone.lookup(Name.fromConstantString("nope.example.org."), Type.A);
    assertEquals(Result.NAME_ERROR, found.result());
    assertEquals(List.of(), found.authority());
  }

  private static Arguments row(String qname, int qtype, Result result, List<String> answer, List<String> authority,
      List<String> additional) {
    return Arguments.of(qname, Type.string(qtype), result, answer, authority, additional);
  }

  private static ZoneRecords zone(String... records) {
    ZoneRecords.Builder builder = new ZoneRecords.Builder(Name.fromConstantString("example.org."));
    for (String record : records) {
      builder.add(record(record));
    }
    return builder.build();
  }

  static Record record(String text) {
    String[] f = text.split(" ", 5);
    try {
      return Record.fromString(Name.fromConstantString(f[0]), Type.value(f[3]), DClass.IN, Long.parseLong(f[1]), f[4],
          Name.root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> text(List<Record> records) {
    List<String> out = new ArrayList<>();
    for (Record r : records) {
      out.add(r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString());
    }
    return out;
  }
}
