package dev.corvus.dns.plugin.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.peers.Bind;
import dev.corvus.dns.testkit.peers.Peers;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code sign} with keys made by BIND's {@code dnssec-keygen}: the zone it writes passes {@code
 * dnssec-verify} and {@code ldns-verify-zone}, and {@code file} serves it to {@code delv}.
 */
class SignIntegrationTest {

  static final String ZONE = """
      $ORIGIN example.org.
      $TTL 3600
      @    IN SOA ns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300
           IN NS  ns1.example.org.
           IN MX  10 mail.example.org.
      ns1  IN A   192.0.2.53
      mail IN A   192.0.2.25
      www  IN A   192.0.2.10
      www  IN AAAA 2001:db8::10
      *.wild IN TXT "wild"
      sub  IN NS  ns.sub.example.org.
      ns.sub IN A 192.0.2.99
      a.b.c IN A 192.0.2.98
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"ECDSAP256SHA256", "ED25519", "RSASHA256"})
  void theSignedZoneVerifiesAndValidates(String algorithm) throws Exception {
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    Path keys = Files.createDirectories(dir.resolve("keys"));
    String key = Bind.keygen(keys, "example.org", algorithm, true);
    Path out = Files.createDirectories(dir.resolve("signed"));
    String corefile = "example.org:0 {\n file " + out.resolve("db.example.org.signed") + " {\n  reload 100ms\n }\n"
        + " sign " + dir.resolve("db.example.org") + " {\n  key file " + keys.resolve(key) + "\n  directory " + out
        + "\n }\n}\n";
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      Path signed = out.resolve("db.example.org.signed");
      assertTrue(Files.exists(signed), "sign writes the file at start");
      DnsClient client = new DnsClient(s.udpAddress());
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> {
        try {
          return client.udp("www.example.org.", Type.A).getRcode() == Rcode.NOERROR;
        } catch (Exception e) {
          return false;
        }
      }), "file did not pick up the signed zone");

      String verify = Peers.require("dnssec-verify", "bind9-utils");
      Peers.Output verified = Peers.run(verify, "-z", "-o", "example.org", signed.toString()); // -z: one key signs all (a CSK)
      System.out.println(algorithm + " dnssec-verify:\n" + verified.text());
      assertEquals(0, verified.exitCode(), verified.text());
      assertTrue(verified.text().contains("Zone fully signed"), verified.text());

      String ldns = Peers.require("ldns-verify-zone", "ldnsutils");
      Peers.Output ldnsOut = Peers.run(ldns, signed.toString());
      System.out.println(algorithm + " ldns-verify-zone:\n" + ldnsOut.text());
      assertEquals(0, ldnsOut.exitCode(), ldnsOut.text());

      Path anchor = Bind.anchor(keys.resolve(key + ".key"), dir.resolve("anchor.conf"));
      for (String[] q : new String[][] {{"www.example.org", "A"}, {"x.wild.example.org", "TXT"},
          {"nope.example.org", "A"}, {"www.example.org", "TXT"}, {"example.org", "CDS"}}) {
        Peers.Output delv = Bind.delv(s.udpAddress().getPort(), anchor, "example.org", q[0], q[1]);
        System.out.println(algorithm + " delv " + q[0] + " " + q[1] + ":\n" + delv.text());
        assertTrue(delv.text().contains("fully validated"), delv.text());
      }
      Message cds = client.udp("example.org.", Type.CDS);
      assertEquals(2, cds.getSection(Section.ANSWER).size(), "CDS with SHA-1 and SHA-256");
    }
  }

  @Test
  void keysAreCheckedWhenTheCorefileIsRead() throws Exception {
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    String key = Bind.keygen(dir, "example.org", "ECDSAP256SHA256", true);
    String other = Bind.keygen(dir, "example.net", "ECDSAP256SHA256", true);
    String zsk = Bind.keygen(dir, "example.org", "ECDSAP256SHA256", false);
    String prefix = "example.org:0 {\n sign " + dir.resolve("db.example.org") + " {\n  key file ";
    ConfigException otherZone = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile(prefix + dir.resolve(other) + "\n }\n}\n").dnsPort(0).start().close());
    assertTrue(otherZone.getMessage().contains(":2: sign") && otherZone.getMessage().contains("no key for zone example.org."),
        otherZone.getMessage());
    ConfigException notKsk = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile(prefix + dir.resolve(zsk) + "\n }\n}\n").dnsPort(0).start().close());
    assertTrue(notKsk.getMessage().contains("not a key signing key"), notKsk.getMessage());

    Path privateFile = dir.resolve(key + ".private");
    List<String> lines = Files.readAllLines(privateFile);
    Files.write(privateFile, lines.stream().map(l -> l.startsWith("PrivateKey:") ? "PrivateKey: !!!" : l).toList());
    ConfigException corrupt = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile(prefix + dir.resolve(key) + "\n }\n}\n").dnsPort(0).start().close());
    assertTrue(corrupt.getMessage().contains(privateFile + ": PrivateKey is not base64"), corrupt.getMessage());

    Files.write(privateFile, lines);
    Files.writeString(dir.resolve("db.example.org"), ZONE + "bad IN A 300.1.1.1\n");
    ConfigException zone = assertThrows(ConfigException.class, () -> Corvus.builder()
        .corefile(prefix + dir.resolve(key) + "\n }\n}\n").dnsPort(0).start().close());
    assertTrue(zone.getMessage().contains(dir.resolve("db.example.org") + ":"), zone.getMessage());
  }
}
