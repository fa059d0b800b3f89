package dev.corvus.dns.plugin.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.testkit.DirectiveConfig;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class HostsFactoryTest {

  private final PluginTestKit kit = new PluginTestKit();

  @TempDir Path dir;
  private final PluginContext context = kit.context();
  private Plugin plugin;

  @AfterEach
  void stop() {
    if (plugin != null) {
      plugin.stop();
    }
    kit.close();
  }

  private Path hostsFile(String content) throws IOException {
    Path file = dir.resolve("hosts");
    Files.writeString(file, content);
    return file;
  }

  private Handler handler(String directive) throws Exception {
    plugin = kit.baseDirectory(dir).create(new HostsFactory(), directive);
    plugin.start();
    return plugin.handler().orElseThrow();
  }

  private static Message ask(Handler handler, String name, int type) {
    return TestBackend.alone(handler, Queries.request(name, type));
  }

  private static List<String> answers(Message m) {
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }

  @Test
  void answersAddressesAndReverseFromTheFileWithTheDefaultTtl() throws Exception {
    hostsFile("""
        # comment line
        127.0.0.1   localhost
        10.0.0.5    web.example.org web   # alias
        fd00::5     web.example.org
        """);
    Handler h = handler("hosts hosts");

    Message a = ask(h, "WEB.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, a.getRcode());
    assertTrue(a.getHeader().getFlag(Flags.AA));
    assertEquals(List.of("10.0.0.5"), answers(a));
    assertEquals(3600, a.getSection(Section.ANSWER).get(0).getTTL());
    assertEquals("web.example.org.", a.getSection(Section.ANSWER).get(0).getName().toString(), "owner: the lower-cased name, as CoreDNS");

    assertEquals(List.of("fd00:0:0:0:0:0:0:5"), answers(ask(h, "web.example.org.", Type.AAAA)).stream()
        .map(s -> s.replace("fd00::5", "fd00:0:0:0:0:0:0:5")).toList());
    assertEquals(List.of("web.example.org.", "web."), answers(ask(h, "5.0.0.10.in-addr.arpa.", Type.PTR)));
    assertEquals(List.of("web.example.org."),
        answers(ask(h, "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", Type.PTR)));
  }

  @Test
  void knownNameWithoutThatTypeIsNodataAndUnknownNameIsServfail() throws Exception {
    hostsFile("10.0.0.5 web.example.org\n");
    Handler h = handler("hosts hosts");
    Message mx = ask(h, "web.example.org.", Type.MX);
    assertEquals(Rcode.NOERROR, mx.getRcode());
    assertTrue(mx.getSection(Section.ANSWER).isEmpty());
    Message aaaa = ask(h, "web.example.org.", Type.AAAA);
    assertEquals(Rcode.NOERROR, aaaa.getRcode());
    assertTrue(aaaa.getSection(Section.ANSWER).isEmpty());
    // CoreDNS answers SERVFAIL: it has no SOA to build an NXDOMAIN with
    assertEquals(Rcode.SERVFAIL, ask(h, "nothere.example.org.", Type.A).getRcode());
  }

  @Test
  void inlineEntriesTtlAndNoReverse() throws Exception {
    Handler h = handler("""
        hosts missing-file example.org {
            10.1.1.1 inline.example.org
            10.1.1.2 outside.example.net
            ttl 60
            no_reverse
            reload 0
        }""");
    Message a = ask(h, "inline.example.org.", Type.A);
    assertEquals(List.of("10.1.1.1"), answers(a));
    assertEquals(60, a.getSection(Section.ANSWER).get(0).getTTL());
    // outside the plugin's zones: passed on
    TestBackend next = TestBackend.answering(Rcode.NXDOMAIN);
    assertEquals(Rcode.NXDOMAIN, next.run(Queries.request("outside.example.net.", Type.A), h).getRcode());
    // no_reverse: the PTR query is passed on
    assertEquals(Rcode.NXDOMAIN, next.run(Queries.request("1.1.1.10.in-addr.arpa.", Type.PTR), h).getRcode());
    assertEquals(2, next.requests().size());
  }

  @Test
  void fallthroughPassesUnknownNamesOnOnlyInItsZones() throws Exception {
    hostsFile("10.0.0.5 web.example.org\n");
    Handler h = handler("""
        hosts hosts {
            fallthrough example.org
        }""");
    TestBackend next = TestBackend.answering(Rcode.NXDOMAIN);
    assertEquals(Rcode.NXDOMAIN, next.run(Queries.request("other.example.org.", Type.A), h).getRcode());
    assertEquals(1, next.requests().size());
    assertEquals(Rcode.SERVFAIL, next.run(Queries.request("other.example.net.", Type.A), h).getRcode());
    assertEquals(1, next.requests().size());
  }

  @Test
  void fallthroughUnsupportedPassesOtherTypesOfKnownNames() throws Exception {
    hostsFile("10.0.0.5 web.example.org\n");
    Handler h = handler("""
        hosts hosts {
            fallthrough
            fallthrough_unsupported
        }""");
    TestBackend next = TestBackend.answering(Rcode.REFUSED);
    assertEquals(Rcode.REFUSED, next.run(Queries.request("web.example.org.", Type.TXT), h).getRcode());
  }

  @Test
  void wildcardMatchesOneLabelAndExactEntriesWin() throws Exception {
    Handler h = handler("""
        hosts missing example.com {
            192.168.1.10 *.example.com
            192.168.1.11 a.example.com
        }""");
    assertEquals(List.of("192.168.1.11"), answers(ask(h, "a.example.com.", Type.A)));
    assertEquals(List.of("192.168.1.10"), answers(ask(h, "apps.example.com.", Type.A)));
    assertEquals(Rcode.SERVFAIL, ask(h, "deep.apps.example.com.", Type.A).getRcode());
    assertEquals(Rcode.SERVFAIL, ask(h, "example.com.", Type.A).getRcode());
  }

  @Test
  void reloadPicksUpChangesOfTheFile() throws Exception {
    Path file = hostsFile("10.0.0.1 changing.example.org\n");
    Handler h = handler("""
        hosts hosts {
            reload 1h
        }""");
    assertEquals(List.of("10.0.0.1"), answers(ask(h, "changing.example.org.", Type.A)));
    Files.writeString(file, "10.0.0.222 changing.example.org\n");
    ((HostsPlugin) plugin).refresh(); // what the scheduler runs every reload interval
    assertEquals(List.of("10.0.0.222"), answers(ask(h, "changing.example.org.", Type.A)));
  }

  @Test
  void malformedReloadKeepsThePreviousContent() throws Exception {
    Path file = hostsFile("10.0.0.1 stable.example.org\n");
    HostsFile hosts = new HostsFile(file, List.of(Name.root), true);
    hosts.refresh();
    Files.writeString(file, "10.0.0.1 stable.example.org\n10.0.0.2 " + "a".repeat(64) + ".example.org\n");
    HostsTable.MalformedLineException e = assertThrows(HostsTable.MalformedLineException.class, hosts::refresh);
    assertTrue(e.getMessage().contains(file + ":2"), e.getMessage());
    assertEquals(1, hosts.table().entries());
  }

  @Test
  void fileLinesThatAreNotAddressAndNameAreSkippedAsInCoreDns() throws Exception {
    hostsFile("10.0.0.300 bad.example.org\n10.0.0.1\nreload 5s\n10.0.0.7 good.example.org\n");
    Handler h = handler("hosts hosts");
    assertEquals("10.0.0.7", ask(h, "good.example.org.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
    assertEquals(Rcode.SERVFAIL, ask(h, "bad.example.org.", Type.A).getRcode());
  }

  @Test
  void unparsableNameInAFileIsAConfigErrorWithFileAndLine() throws Exception {
    Path file = hostsFile("10.0.0.1 ok.example.org\n\n10.0.0.3 " + "b".repeat(64) + ".example.org\n");
    ConfigException e = assertThrows(ConfigException.class, () -> handler("hosts hosts"));
    assertTrue(e.getMessage().contains(file + ":3"), e.getMessage());
  }

  @Test
  void malformedInlineLineIsReportedAtItsCorefileLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> handler("""
        hosts missing {
            10.0.0.1 fine.example.org
            10.0.0.1.5 broken.example.org
        }"""));
    // the kit puts the directive on line 2 of its Corefile, so the broken entry is on line 4
    assertEquals("<test>:4", e.location().toString(), e.getMessage());
    assertTrue(e.getMessage().startsWith("<test>:4: hosts: 10.0.0.1.5: \"10.0.0.1.5\" is not an IP address"), e.getMessage());
  }

  @Test
  void badOptionsAreRejected() {
    assertThrows(ConfigException.class, () -> handler("hosts missing {\n ttl 0\n}"));
    assertThrows(ConfigException.class, () -> handler("hosts missing {\n ttl 70000\n}"));
    assertThrows(ConfigException.class, () -> handler("hosts missing {\n ttl abc\n}"));
    assertThrows(ConfigException.class, () -> handler("hosts missing {\n reload -1s\n}"));
    assertThrows(ConfigException.class, () -> handler("hosts missing {\n fallthrough_unsupported\n}"));
    assertThrows(ConfigException.class, () -> handler("hosts missing {\n no_reverse yes\n}"));
    ConfigException typo = assertThrows(ConfigException.class, () -> handler("hosts missing {\n tll 30\n}"));
    assertTrue(typo.getMessage().contains("tll"), typo.getMessage());
  }

  @Test
  void missingFileIsAWarningNotAnError() throws Exception {
    DirectiveConfig reader = kit.baseDirectory(dir).config("hosts nofile");
    plugin = new HostsFactory().create(reader, context);
    assertEquals(1, reader.warnings().size());
    assertTrue(reader.warnings().get(0).contains("nofile"));
  }

  @Test
  void entriesGaugeCountsFileAndInlineNames() throws Exception {
    Path file = hostsFile("10.0.0.1 a.example.org b.example.org\n");
    handler("hosts hosts {\n 10.0.0.2 c.example.org\n}");
    assertEquals(3.0, kit.metricValue("coredns_hosts_entries", file.toString()));
  }

  @Test
  void ptrAnswerIsAPtrRecord() throws Exception {
    hostsFile("10.0.0.5 web.example.org\n");
    Message m = ask(handler("hosts hosts"), "5.0.0.10.in-addr.arpa.", Type.PTR);
    assertTrue(m.getSection(Section.ANSWER).get(0) instanceof PTRRecord);
    Message a = ask(handler("hosts hosts"), "web.example.org.", Type.A);
    assertTrue(a.getSection(Section.ANSWER).get(0) instanceof ARecord);
  }
}
