package dev.corvus.dns.plugin.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.plugin.file.ZoneLookup.Outcome;
import dev.corvus.dns.plugin.file.ZoneLookup.ZoneAnswer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The lookup of RFC 1034 §4.3.2 with RFC 4592 wildcards and RFC 6672 DNAME, case by case. */
class ZoneLookupTest {

  private static final String ZONE = """
      $ORIGIN example.org.
      $TTL 300
      @              IN SOA  ns.example.org. admin.example.org. 1 7200 3600 1209600 300
                     IN NS   ns.example.org.
      ns             IN A    192.0.2.1
      *              IN A    192.0.2.53
      real.deeper    IN A    192.0.2.2
      *.w            IN CNAME target
      target         IN TXT  "target"
      b.w            IN TXT  "b"
      f.*.e          IN A    192.0.2.3
      www            IN CNAME nodata
      nodata         IN TXT  "only TXT"
      out            IN CNAME www.example.net.
      dname          IN DNAME target.example.org.
      sub            IN NS   ns.sub
      ns.sub         IN A    192.0.2.77
      """;

  private static ZoneData zone;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("db.example.org");
    Files.writeString(file, ZONE);
    zone = ZoneData.load(file, Name.fromString("example.org."));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // qname, qtype, outcome, answer as "owner TYPE" in order
        Arguments.of("ns.example.org.", Type.A, Outcome.ANSWER, List.of("ns.example.org. A")),
        Arguments.of("ns.example.org.", Type.MX, Outcome.NODATA, List.of()),
        Arguments.of("anything.example.org.", Type.A, Outcome.ANSWER, List.of("anything.example.org. A")),
        Arguments.of("anything.example.org.", Type.MX, Outcome.NODATA, List.of()),
        // deeper exists as an empty non-terminal: it and names below it are not the wildcard's
        Arguments.of("deeper.example.org.", Type.A, Outcome.EMPTY_NON_TERMINAL, List.of()),
        Arguments.of("x.deeper.example.org.", Type.A, Outcome.NXDOMAIN, List.of()),
        // a wildcard CNAME answers every type but CNAME itself with the alias, then the target
        Arguments.of("q.w.example.org.", Type.A, Outcome.NODATA, List.of("q.w.example.org. CNAME")),
        Arguments.of("q.w.example.org.", Type.TXT, Outcome.ANSWER,
            List.of("q.w.example.org. CNAME", "target.example.org. TXT")),
        Arguments.of("q.w.example.org.", Type.CNAME, Outcome.ANSWER, List.of("q.w.example.org. CNAME")),
        // b.w exists, so the wildcard is no source of synthesis below it (closest encloser b.w)
        Arguments.of("a.b.w.example.org.", Type.CNAME, Outcome.NXDOMAIN, List.of()),
        // *.e exists only as an empty non-terminal: a match without data
        Arguments.of("x.e.example.org.", Type.A, Outcome.NODATA, List.of()),
        Arguments.of("missing.*.e.example.org.", Type.A, Outcome.NXDOMAIN, List.of()),
        // a chain to a name without the type: NODATA with the chain
        Arguments.of("www.example.org.", Type.A, Outcome.NODATA, List.of("www.example.org. CNAME")),
        Arguments.of("out.example.org.", Type.A, Outcome.EXTERNAL, List.of("out.example.org. CNAME")),
        Arguments.of("foo.dname.example.org.", Type.CNAME, Outcome.ANSWER,
            List.of("dname.example.org. DNAME", "foo.dname.example.org. CNAME")),
        Arguments.of("foo.dname.example.org.", Type.A, Outcome.NXDOMAIN,
            List.of("dname.example.org. DNAME", "foo.dname.example.org. CNAME")),
        Arguments.of("host.sub.example.org.", Type.A, Outcome.REFERRAL, List.of()),
        Arguments.of("sub.example.org.", Type.DS, Outcome.NODATA, List.of()));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("cases")
  void answersAsTheRfcsSay(String qname, int qtype, Outcome outcome, List<String> answer) throws Exception {
    ZoneAnswer found = ZoneLookup.lookup(zone, Name.fromString(qname), qtype);
    assertEquals(outcome, found.outcome());
    assertEquals(answer, found.answer().stream().map(ZoneLookupTest::brief).toList());
  }

  private static String brief(Record r) {
    return r.getName() + " " + Type.string(r.getType());
  }
}
