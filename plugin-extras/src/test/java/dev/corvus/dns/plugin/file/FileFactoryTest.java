package dev.corvus.dns.plugin.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.plugin.testing.TestBackend;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class FileFactoryTest {

  static final String ZONE = """
      $ORIGIN example.org.
      $TTL 3600
      @       IN SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 300
              IN NS  ns1.example.org.
      ns1     IN A   192.0.2.53
      www     IN A   192.0.2.1
              IN AAAA 2001:db8::1
      alias   IN CNAME www
      chain   IN CNAME alias
      out     IN CNAME www.example.net.
      loop1   IN CNAME loop2
      loop2   IN CNAME loop1
      @       IN MX  10 mail
      mail    IN A   192.0.2.25
      *.wild  IN A   192.0.2.99
      a.b     IN TXT "deep"
      sub     IN NS  ns.sub
      ns.sub  IN A   192.0.2.77
      """;

  private final PluginTestKit kit = new PluginTestKit();

  @TempDir Path dir;
  private Path zoneFile;
  private Plugin plugin;

  @BeforeEach
  void writeZone() throws Exception {
    zoneFile = dir.resolve("db.example.org");
    Files.writeString(zoneFile, ZONE);
  }

  @AfterEach
  void stop() {
    if (plugin != null) {
      plugin.stop();
    }
    kit.close();
  }

  private Handler handler(String directive) throws Exception {
    plugin = kit.baseDirectory(dir).create(new FileFactory(), directive);
    plugin.start();
    return plugin.handler().orElseThrow();
  }

  private Message ask(String name, int type) throws Exception {
    return TestBackend.alone(handler("file db.example.org example.org"), Queries.request(name, type));
  }

  private static List<String> section(Message m, int section) {
    return m.getSection(section).stream().map(Record::toString).toList();
  }

  @Test
  void answersWithAuthorityNsAndAa() throws Exception {
    Message m = ask("www.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertTrue(m.getHeader().getFlag(Flags.AA));
    assertEquals(1, m.getSection(Section.ANSWER).size());
    assertTrue(section(m, Section.ANSWER).get(0).contains("192.0.2.1"));
    assertTrue(section(m, Section.AUTHORITY).get(0).contains("NS"));
  }

  @Test
  void chasesCnamesInsideTheZone() throws Exception {
    Message m = ask("chain.example.org.", Type.A);
    List<String> answer = section(m, Section.ANSWER);
    assertEquals(3, answer.size(), answer.toString());
    assertTrue(answer.get(0).startsWith("chain.example.org.") && answer.get(0).contains("CNAME"));
    assertTrue(answer.get(1).startsWith("alias.example.org.") && answer.get(1).contains("CNAME"));
    assertTrue(answer.get(2).startsWith("www.example.org.") && answer.get(2).contains("192.0.2.1"));
  }

  @Test
  void cnameLeavingTheZoneIsResolvedThroughTheServer() throws Exception {
    Record address = Record.fromString(Name.fromString("www.example.net."), Type.A, DClass.IN, 60, "198.51.100.7", null);
    kit.resolver(query -> {
      Message answer = new Message(query.getHeader().getID());
      answer.addRecord(address, Section.ANSWER);
      return CompletableFuture.completedFuture(answer);
    });
    Message out = ask("out.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, out.getRcode());
    assertEquals(List.of("CNAME www.example.net.", "A 198.51.100.7"), out.getSection(Section.ANSWER).stream()
        .map(r -> Type.string(r.getType()) + " " + r.rdataToString()).toList());
    assertEquals(Type.NS, out.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void cnameTargetOutsideTheZoneThatFailsIsServfailWithTheCname() throws Exception {
    // the kit's resolver fails: as CoreDNS without an upstream answer
    Message out = ask("out.example.org.", Type.A);
    assertEquals(Rcode.SERVFAIL, out.getRcode());
    assertEquals(1, out.getSection(Section.ANSWER).size());
  }

  @Test
  void cnameLoopsEndTheChain() throws Exception {
    Message loop = ask("loop1.example.org.", Type.A);
    assertEquals(2, loop.getSection(Section.ANSWER).size());
  }

  @Test
  void wildcardSynthesizesTheQueriedOwner() throws Exception {
    Message m = ask("anything.wild.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals("anything.wild.example.org.", m.getSection(Section.ANSWER).get(0).getName().toString());
  }

  @Test
  void nxdomainAndNodataCarryTheSoa() throws Exception {
    Message nx = ask("missing.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, nx.getRcode());
    assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
    Message nodata = ask("www.example.org.", Type.MX);
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void emptyNonTerminalIsNodataNotNxdomain() throws Exception {
    Message m = ask("b.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void delegationIsAReferralWithGlueAndWithoutAa() throws Exception {
    Message m = ask("host.sub.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertFalse(m.getHeader().getFlag(Flags.AA));
    assertTrue(m.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.NS, m.getSection(Section.AUTHORITY).get(0).getType());
    assertTrue(section(m, Section.ADDITIONAL).get(0).contains("192.0.2.77"));
  }

  @Test
  void mxTargetsAndApexNsGetTheirAddressesInAdditional() throws Exception {
    assertTrue(section(ask("example.org.", Type.MX), Section.ADDITIONAL).get(0).contains("192.0.2.25"));
    Message ns = ask("example.org.", Type.NS);
    assertTrue(section(ns, Section.ADDITIONAL).get(0).contains("192.0.2.53"));
  }

  @Test
  void zoneTransfersAreRefused() throws Exception {
    assertEquals(Rcode.REFUSED, ask("example.org.", Type.AXFR).getRcode());
    assertEquals(Rcode.REFUSED, ask("example.org.", Type.IXFR).getRcode());
  }

  @Test
  void foreignNamesGoOnOrAreRefusedWhenNothingFollows() throws Exception {
    Handler h = handler("file db.example.org example.org");
    assertEquals(Rcode.REFUSED, TestBackend.alone(h, Queries.request("example.net.", Type.A)).getRcode());
    TestBackend next = TestBackend.answering(Rcode.NOERROR);
    assertEquals(Rcode.NOERROR, next.run(Queries.request("example.net.", Type.A), h).getRcode());
    assertEquals(1, next.requests().size());
  }

  @Test
  void fallthroughPassesNxdomainOn() throws Exception {
    Handler h = handler("file db.example.org example.org {\n fallthrough\n}");
    TestBackend next = TestBackend.answering(Rcode.REFUSED);
    assertEquals(Rcode.REFUSED, next.run(Queries.request("missing.example.org.", Type.A), h).getRcode());
    assertEquals(Rcode.NOERROR, next.run(Queries.request("www.example.org.", Type.A), h).getRcode());
  }

  @Test
  void reloadSwapsTheZoneWhenTheSerialChanges() throws Exception {
    Handler h = handler("file db.example.org example.org {\n reload 0\n}");
    FilePlugin filePlugin = (FilePlugin) plugin;
    Files.writeString(zoneFile, ZONE.replace("192.0.2.1\n", "192.0.2.111\n"));
    filePlugin.reloadChanged();
    assertTrue(section(TestBackend.alone(h, Queries.request("www.example.org.", Type.A)), Section.ANSWER)
        .get(0).contains("192.0.2.1"), "same serial: not reloaded");
    Files.writeString(zoneFile, ZONE.replace("192.0.2.1\n", "192.0.2.111\n").replace("2024010101", "2024010102"));
    filePlugin.reloadChanged();
    assertTrue(section(TestBackend.alone(h, Queries.request("www.example.org.", Type.A)), Section.ANSWER)
        .get(0).contains("192.0.2.111"));
  }

  @Test
  void syntaxErrorInTheZoneFileNamesFileAndLine() throws Exception {
    Files.writeString(zoneFile, ZONE.replace("www     IN A   192.0.2.1", "www     IN A   192.0.2.999"));
    ConfigException e = assertThrows(ConfigException.class, () -> handler("file db.example.org example.org"));
    assertTrue(e.getMessage().contains(zoneFile + ":6"), e.getMessage());
  }

  @Test
  void zoneWithoutSoaIsRejected() throws Exception {
    Files.writeString(zoneFile, "$ORIGIN example.org.\nwww 300 IN A 192.0.2.1\n");
    ConfigException e = assertThrows(ConfigException.class, () -> handler("file db.example.org example.org"));
    assertTrue(e.getMessage().contains(zoneFile.toString()), e.getMessage());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(ConfigException.class, () -> handler("file"));
    assertThrows(ConfigException.class, () -> handler("file missing.db example.org {\n reload 0\n}"));
    assertThrows(ConfigException.class, () -> handler("file db.example.org example.org {\n reload soon\n}"));
    assertThrows(ConfigException.class, () -> handler("file db.example.org example.org {\n transfer\n}"));
  }
}
