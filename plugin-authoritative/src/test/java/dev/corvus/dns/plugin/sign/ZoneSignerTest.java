package dev.corvus.dns.plugin.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.dnssec.KeyPair;
import dev.corvus.dns.plugin.peers.Bind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** The signer's timers and chain, with a fixed clock. */
class ZoneSignerTest {

  @TempDir Path dir;

  @Test
  void signsOnCoreDnsTimersAndChainsOnlyAuthoritativeNames() throws Exception {
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, SignIntegrationTest.ZONE);
    KeyPair key = KeyPair.read(dir.resolve(Bind.keygen(dir, "example.org", "ECDSAP256SHA256", true)));
    Name origin = Name.fromString("example.org.");
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    List<Record> signed = ZoneSigner.sign(origin, SignFactory.records(zone, origin), List.of(key), now, new Random(1));

    SOARecord soa = (SOARecord) signed.stream().filter(r -> r.getType() == Type.SOA).findFirst().orElseThrow();
    assertEquals(now.getEpochSecond(), soa.getSerial(), "the serial is the signing time");
    RRSIGRecord soaSig = signed.stream().filter(r -> r instanceof RRSIGRecord s && s.getTypeCovered() == Type.SOA)
        .map(RRSIGRecord.class::cast).findFirst().orElseThrow();
    Duration back = Duration.between(soaSig.getTimeSigned(), now);
    Duration ahead = Duration.between(now, soaSig.getExpire());
    assertTrue(back.compareTo(Duration.ofHours(3)) >= 0 && back.compareTo(Duration.ofHours(21)) <= 0, back.toString());
    assertTrue(ahead.compareTo(Duration.ofDays(32)) >= 0 && ahead.compareTo(Duration.ofDays(37)) <= 0, ahead.toString());

    // glue below the delegation is neither chained nor signed; the delegation's NS is not signed
    assertTrue(signed.stream().noneMatch(r -> r.getName().toString().equals("ns.sub.example.org.")
        && r.getType() != Type.A));
    assertTrue(signed.stream().noneMatch(r -> r instanceof RRSIGRecord s && s.getTypeCovered() == Type.NS
        && r.getName().toString().equals("sub.example.org.")));
    long nsecs = signed.stream().filter(r -> r instanceof NSECRecord).count();
    assertEquals(7, nsecs, "apex, *.wild, a.b.c, mail, ns1, sub, www: empty non-terminals and glue get none");

    assertNull(ZoneSigner.resignReason(signed, origin, now.plus(Duration.ofDays(1))));
    assertTrue(ZoneSigner.resignReason(signed, origin, now.plus(Duration.ofDays(7))).contains("more than 6 days ago"));
    assertTrue(ZoneSigner.resignReason(List.of(), origin, now).contains("no SOA signature"));
  }
}
