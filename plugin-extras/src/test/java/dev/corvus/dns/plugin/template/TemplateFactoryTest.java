package dev.corvus.dns.plugin.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class TemplateFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();


  @AfterEach
  void close() {
    kit.close();
  }

  private Handler template(String text) throws ConfigException {
    return kit.create(new TemplateFactory(), text).handler().orElseThrow();
  }

  private static List<String> section(Message m, int section) {
    return m.getSection(section).stream().map(Record::toString).toList();
  }

  @Test
  void namedGroupsBuildAnAddressRecord() throws Exception {
    Handler h = template("""
        template IN A example {
          match (^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
          answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
          fallthrough
        }""");
    Message m = TestBackend.alone(h, Queries.request("IP-10-1-2-3.example.", Type.A));
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertTrue(m.getHeader().getFlag(Flags.AA));
    Record a = m.getSection(Section.ANSWER).get(0);
    assertEquals("ip-10-1-2-3.example.", a.getName().toString());
    assertEquals(60, a.getTTL());
    assertEquals("10.1.2.3", a.rdataToString());
  }

  @Test
  void ptrFromReverseName() throws Exception {
    Handler h = template("""
        template IN PTR in-addr.arpa {
          match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
          answer "{{ .Name }} 60 IN PTR ip-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example."
        }""");
    Message m = TestBackend.alone(h, Queries.request("4.3.2.1.in-addr.arpa.", Type.PTR));
    assertTrue(section(m, Section.ANSWER).get(0).endsWith("PTR\tip-1-2-3-4.example."));
  }

  @Test
  void nxdomainWithSoaUsingZoneAndClassAndIndexMatch() throws Exception {
    Handler h = template("""
        template ANY ANY invalid {
          match "^(.*)[.](invalid[.])$"
          rcode NXDOMAIN
          authority "{{ index .Match 2 }} 60 {{ .Class }} SOA ns.{{ .Zone }} hostmaster.{{ .Zone }} (1 60 60 60 60)"
        }""");
    Message m = TestBackend.alone(h, Queries.request("foo.invalid.", Type.AAAA));
    assertEquals(Rcode.NXDOMAIN, m.getRcode());
    assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
    Record soa = m.getSection(Section.AUTHORITY).get(0);
    assertEquals("invalid.", soa.getName().toString());
    assertEquals(60, soa.getTTL());
    assertTrue(soa.rdataToString().startsWith("ns.invalid. hostmaster.invalid. 1 60 60 60 60"), soa.rdataToString());
  }

  @Test
  void typeRemoteAndAdditionalSection() throws Exception {
    Handler h = template("""
        template IN TXT {
          answer "{{ .Name }} 5 IN TXT \\"{{ .Type }} from {{ .Remote }}\\""
          additional "extra.example. 5 IN A 192.0.2.9"
        }""");
    Message m = TestBackend.alone(h, Queries.request("who.example.", Type.TXT));
    assertTrue(section(m, Section.ANSWER).get(0).endsWith("\"TXT from 127.0.0.1\""), section(m, Section.ANSWER).toString());
    assertEquals(1, m.getSection(Section.ADDITIONAL).size());
  }

  @Test
  void otherClassTypeOrZoneGoesOn() throws Exception {
    Handler h = template("template IN A example {\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n}");
    TestBackend next = TestBackend.answering(Rcode.REFUSED);
    assertEquals(Rcode.REFUSED, next.run(Queries.request("a.example.", Type.AAAA), h).getRcode());
    assertEquals(Rcode.REFUSED, next.run(Queries.request(Queries.query("a.example.", Type.A, DClass.CH)), h).getRcode());
    assertEquals(Rcode.REFUSED, next.run(Queries.request("a.example.org.", Type.A), h).getRcode());
    assertEquals(Rcode.NOERROR, next.run(Queries.request("a.example.", Type.A), h).getRcode());
    assertEquals(3, next.requests().size());
  }

  @Test
  void noMatchIsServfailWithoutFallthroughAndGoesOnWithIt() throws Exception {
    String body = "  match ^yes[.]\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n";
    Handler strict = template("template IN A {\n" + body + "}");
    Handler lenient = template("template IN A {\n" + body + "  fallthrough\n}");
    TestBackend next = TestBackend.answering(Rcode.REFUSED);
    assertEquals(Rcode.SERVFAIL, next.run(Queries.request("no.example.", Type.A), strict).getRcode());
    assertEquals(Rcode.REFUSED, next.run(Queries.request("no.example.", Type.A), lenient).getRcode());
    assertEquals(Rcode.NOERROR, next.run(Queries.request("yes.example.", Type.A), lenient).getRcode());
  }

  @Test
  void chainedTemplatesFallThroughToTheNextOne() throws Exception {
    Handler first = template("template IN A {\n match ^a[.]\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n fallthrough\n}");
    Handler second = template("template IN A {\n match ^b[.]\n answer \"{{ .Name }} 60 IN A 192.0.2.2\"\n}");
    Message m = TestBackend.answering(Rcode.REFUSED).run(Queries.request("b.example.", Type.A), first, second);
    assertTrue(section(m, Section.ANSWER).get(0).endsWith("192.0.2.2"));
  }

  @Test
  void rcodeServfailTemplate() throws Exception {
    Handler h = template("template ANY ANY {\n rcode SERVFAIL\n}");
    assertEquals(Rcode.SERVFAIL, TestBackend.alone(h, Queries.request("x.", Type.A)).getRcode());
  }

  @Test
  void aRenderedRecordThatDoesNotParseIsServfailAndCounted() throws Exception {
    Handler h = template("template IN A {\n answer \"{{ .Name }} 60 IN A not-an-ip\"\n}");
    CompletionException e = assertThrows(CompletionException.class,
        () -> TestBackend.alone(h, Queries.request("x.example.", Type.A)));
    assertEquals(Rcode.SERVFAIL, ((DnsException) e.getCause()).rcode());
    assertEquals(1.0, kit.metricValue("coredns_template_rr_failures_total",
        "dns://:53", ".", "", "IN", "A", "answer", "{{ .Name }} 60 IN A not-an-ip"));
    assertEquals(1.0, kit.metricValue("coredns_template_matches_total", "dns://:53", ".", "", "IN", "A"));
  }

  @Test
  void aMatchIndexBeyondTheGroupsIsATemplateFailure() throws Exception {
    Handler h = template("template IN A {\n answer \"{{ index .Match 3 }} 60 IN A 192.0.2.1\"\n}");
    assertThrows(CompletionException.class, () -> TestBackend.alone(h, Queries.request("x.example.", Type.A)));
    assertEquals(1.0, kit.metricValue("coredns_template_template_failures_total",
        "dns://:53", ".", "", "IN", "A", "answer", "{{ index .Match 3 }} 60 IN A 192.0.2.1"));
  }

  @Test
  void configurationErrors() {
    for (String bad : List.of(
        "template",
        "template IN",
        "template XX A",
        "template IN NOTATYPE",
        "template IN A {\n match\n}",
        "template IN A {\n answer\n}",
        "template IN A {\n rcode WHATEVER\n}",
        "template IN A {\n answer \"{{ .Nmae }} 60 IN A 1.2.3.4\"\n}",
        "template IN A {\n answer \"{{ .Name 60 IN A 1.2.3.4\"\n}",
        "template IN A {\n answer \"static. 60 IN A 1.2.3.999\"\n}",
        "template IN A {\n ederror\n}",
        "template IN A {\n ederror 70000\n}",
        "template IN A {\n ederror x\n}",
        "template IN A {\n ederror 21 a b\n}",
        "template IN A {\n answer \"{{ parseInt .Group.b 99 8 }} 60 IN A 1.2.3.4\"\n}",
        "template IN A {\n answer \"{{ .Meta foo }} 60 IN A 1.2.3.4\"\n}",
        "template IN A {\n unknown x\n}")) {
      assertThrows(ConfigException.class, () -> template(bad), bad);
    }
  }

  @Test
  void regexErrorIsReportedAtParseTimeWithItsLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> template("template IN A {\n answer \"{{ .Name }} 60 IN A 1.2.3.4\"\n match ([a-z\n}"));
    assertEquals(4, e.location().line(), "the kit puts the directive on line 2");
    assertTrue(e.getMessage().contains("([a-z"), e.getMessage());
  }

  @Test
  void isRepeatable() {
    assertTrue(new TemplateFactory().repeatable());
  }
}
