package dev.corvus.dns.plugin.file;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.peers.Bind;
import dev.corvus.dns.testkit.peers.Peers;
import dev.corvus.dns.server.Corvus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file} serving a zone signed by BIND's {@code dnssec-signzone}, validated by {@code delv}
 * with the zone's key as trust anchor: answers, wildcards and each kind of denial.
 */
class SignedFileDelvTest {

  @TempDir Path dir;

  @Test
  void delvValidatesAnswersAndDenials() throws Exception {
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, """
        $ORIGIN example.org.
        $TTL 3600
        @    IN SOA ns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300
             IN NS  ns1.example.org.
             IN MX  10 mail.example.org.
        ns1  IN A   192.0.2.53
        mail IN A   192.0.2.25
        www  IN A   192.0.2.10
        alias IN CNAME www
        *.wild IN TXT "wild"
        a.b.c IN A 192.0.2.99
        """);
    String ksk = Bind.keygen(dir, "example.org", "ECDSAP256SHA256", true);
    Bind.keygen(dir, "example.org", "ECDSAP256SHA256", false);
    Files.writeString(zone, Files.readString(zone) + "$INCLUDE " + ksk + ".key\n");
    Files.writeString(zone, Files.readString(zone) + "$INCLUDE " + Files.list(dir)
        .map(p -> p.getFileName().toString())
        .filter(n -> n.endsWith(".key") && !n.equals(ksk + ".key"))
        .findFirst().orElseThrow() + "\n");
    Path signed = Bind.signzone(zone, "example.org");
    Path anchor = Bind.anchor(dir.resolve(ksk + ".key"), dir.resolve("anchor.conf"));
    try (Corvus s = Corvus.builder().corefile("example.org:0 {\n file " + signed + "\n}\n").dnsPort(0).start()) {
      int port = s.udpAddress().getPort();
      String[][] queries = {
          {"www.example.org", "A"}, {"example.org", "MX"}, {"alias.example.org", "A"}, {"x.wild.example.org", "TXT"},
          {"nope.example.org", "A"}, {"www.example.org", "AAAA"}, {"c.example.org", "A"}, {"x.wild.example.org", "A"},
      };
      for (String[] q : queries) {
        Peers.Output out = Bind.delv(port, anchor, "example.org", q[0], q[1]);
        System.out.println("delv " + q[0] + " " + q[1] + ":\n" + out.text());
        assertTrue(out.text().contains("; fully validated") || out.text().contains("; negative response, fully validated"),
            q[0] + " " + q[1] + ":\n" + out.text());
      }
    }
  }
}
