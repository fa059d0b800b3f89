package dev.corvus.dns.plugin.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.peers.Bind;
import dev.corvus.dns.testkit.peers.Peers;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code dnssec} signing {@code file}'s unsigned answers on the fly, validated by {@code delv}. */
class DnssecIntegrationTest {

  static final String ZONE = """
      $ORIGIN example.org.
      $TTL 3600
      @    IN SOA ns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300
           IN NS  ns1.example.org.
           IN MX  10 mail.example.org.
      ns1  IN A   192.0.2.53
      mail IN A   192.0.2.25
      www  IN A   192.0.2.10
      alias IN CNAME www
      """;

  @TempDir Path dir;

  private Corvus serve(String keys) throws Exception {
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, ZONE);
    return Corvus.builder().corefile("example.org:0 {\n dnssec {\n  key file " + keys + "\n }\n file " + zone + "\n}\n")
        .dnsPort(0).start();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ECDSAP256SHA256", "ED25519", "RSASHA256"})
  void delvValidatesSignedAnswersAndBlackLies(String algorithm) throws Exception {
    String key = Bind.keygen(dir, "example.org", algorithm, true);
    try (Corvus s = serve(dir.resolve(key).toString())) {
      Path anchor = Bind.anchor(dir.resolve(key + ".key"), dir.resolve("anchor.conf"));
      for (String[] q : new String[][] {{"www.example.org", "A"}, {"example.org", "MX"}, {"alias.example.org", "A"},
          {"nope.example.org", "A"}, {"www.example.org", "AAAA"}, {"example.org", "DNSKEY"}}) {
        Peers.Output out = Bind.delv(s.udpAddress().getPort(), anchor, "example.org", q[0], q[1]);
        System.out.println(algorithm + " delv " + q[0] + " " + q[1] + ":\n" + out.text());
        assertTrue(out.text().contains("fully validated"), out.text());
      }
    }
  }

  @Test
  void splitKeysDnsKeyByKskRestByZsk() throws Exception {
    String ksk = Bind.keygen(dir, "example.org", "ECDSAP256SHA256", true);
    String zsk = Bind.keygen(dir, "example.org", "ECDSAP256SHA256", false);
    try (Corvus s = serve(dir.resolve(ksk) + " " + dir.resolve(zsk + ".private"))) {
      Path anchor = Bind.anchor(dir.resolve(ksk + ".key"), dir.resolve("anchor.conf"));
      Peers.Output out = Bind.delv(s.udpAddress().getPort(), anchor, "example.org", "www.example.org", "A");
      System.out.println("split keys delv www.example.org A:\n" + out.text());
      assertTrue(out.text().contains("; fully validated"), out.text());
    }
  }

  @Test
  void blackLiesWithoutDoNothingIsAddedAndTheCacheIsUsed() throws Exception {
    String key = Bind.keygen(dir, "example.org", "ECDSAP256SHA256", true);
    try (Corvus s = serve(dir.resolve(key).toString())) {
      DnsClient client = new DnsClient(s.udpAddress());
      Message plain = client.udp("www.example.org.", Type.A);
      assertTrue(plain.getSection(Section.ANSWER).stream().noneMatch(r -> r.getType() == Type.RRSIG));

      Message nx = client.udp(query("nope.example.org.", Type.A));
      assertEquals(Rcode.NOERROR, nx.getRcode(), "a black lie turns NXDOMAIN into NODATA");
      NSECRecord lie = (NSECRecord) nx.getSection(Section.AUTHORITY).stream().filter(r -> r instanceof NSECRecord)
          .findFirst().orElseThrow();
      assertEquals("\\000.nope.example.org.", lie.getNext().toString());
      assertTrue(!lie.hasType(Type.A) && lie.hasType(Type.TXT), "the queried type is left out");

      for (int i = 0; i < 3; i++) {
        Message signed = client.udp(query("www.example.org.", Type.A));
        List<Record> answer = signed.getSection(Section.ANSWER);
        assertEquals(2, answer.size());
        assertEquals(Type.RRSIG, answer.get(1).getType());
      }
      dev.corvus.dns.api.capability.Explanation explained = s.explain("www.example.org.", Type.A,
          new java.net.InetSocketAddress("127.0.0.1", 5353));
      String notes = explained.steps().stream().flatMap(step -> step.notes().stream()).toList().toString();
      int tag = Integer.parseInt(key.substring(key.lastIndexOf('+') + 1));
      assertTrue(notes.contains("signed with key [" + tag + " (ECDSAP256SHA256)]"), notes);
      String metrics = s.scrapeMetrics();
      double hits = metrics.lines().filter(l -> l.startsWith("coredns_dnssec_cache_hits_total{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      assertTrue(hits >= 2, "the second and third answers come from the signature cache:\n" + metrics);
      assertTrue(metrics.contains("coredns_dnssec_cache_entries{"), metrics);
    }
  }

  @Test
  void awsSecretsManagerAndBrokenKeysAreRejectedAtTheirLine() throws Exception {
    ConfigException aws = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("example.org:0 {\n dnssec {\n  key aws_secretsmanager Kexample.org.+013+45330\n }\n whoami\n}\n")
        .dnsPort(0).start().close());
    assertTrue(aws.getMessage().contains(":3: dnssec") && aws.getMessage().contains("not supported"), aws.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile("example.org:0 {\n dnssec {\n  key file " + dir.resolve("Kmissing.+013+1") + "\n }\n whoami\n}\n")
        .dnsPort(0).start().close());
    assertTrue(missing.getMessage().contains(":3: dnssec") && missing.getMessage().contains("Kmissing.+013+1.key"),
        missing.getMessage());
  }

  private static Message query(String name, int type) {
    Message q = DnsClient.newQuery(name, type);
    q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, org.xbill.DNS.ExtendedFlags.DO), Section.ADDITIONAL);
    return q;
  }
}
