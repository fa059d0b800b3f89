package dev.corvus.dns.plugin.erratic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** erratic in a real server over UDP and TCP, with the README's Corefiles. */
class ErraticIntegrationTest {

  private static Corvus server(String block) throws Exception {
    return Corvus.builder().corefile("example.org:0 {\n" + block + "\n}\n").dnsPort(0).start();
  }

  @Test
  void dropsOneQueryInAmountAndAnswersTheOthers() throws Exception {
    try (Corvus s = server(" erratic {\n  drop 3\n }")) {
      DnsClient c = new DnsClient(s.udpAddress(), Duration.ofMillis(700));
      assertThrows(SocketTimeoutException.class, () -> c.udp("a.example.org.", Type.A), "query 0 dropped");
      Message one = c.udp("a.example.org.", Type.A);
      assertEquals("192.0.2.53", one.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(3600, one.getSection(Section.ANSWER).get(0).getTTL());
      assertTrue(one.getHeader().getFlag(Flags.AA));
      assertEquals("2001:db8:0:0:0:0:0:53", c.tcp("a.example.org.", Type.AAAA).getSection(Section.ANSWER).get(0).rdataToString());
      assertThrows(SocketTimeoutException.class, () -> c.udp("a.example.org.", Type.A), "query 3 dropped");
      assertEquals(Rcode.SERVFAIL, c.udp("a.example.org.", Type.MX).getRcode());
    }
  }

  @Test
  void withoutABlockEverySecondQueryIsDropped() throws Exception {
    try (Corvus s = server(" erratic")) {
      DnsClient c = new DnsClient(s.udpAddress(), Duration.ofMillis(700));
      assertThrows(SocketTimeoutException.class, () -> c.udp("a.example.org.", Type.A));
      assertEquals(Rcode.NOERROR, c.udp("a.example.org.", Type.A).getRcode());
      assertThrows(SocketTimeoutException.class, () -> c.udp("a.example.org.", Type.A));
    }
  }

  @Test
  void delaysOnTheLoopAndTruncatesWithoutDropping() throws Exception {
    try (Corvus s = server(" erratic {\n  delay 3 400ms\n  truncate 2\n }")) {
      DnsClient c = new DnsClient(s.udpAddress(), Duration.ofSeconds(5));
      long start = System.nanoTime();
      Message zero = c.udp("a.example.org.", Type.A);
      long zeroMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(zeroMillis >= 400, "query 0 delayed 400ms, took " + zeroMillis);
      assertTrue(zero.getHeader().getFlag(Flags.TC), "query 0 truncated");
      assertEquals(1, zero.getSection(Section.ANSWER).size(), "the answer is kept");
      Message one = c.udp("a.example.org.", Type.A);
      assertFalse(one.getHeader().getFlag(Flags.TC));
      assertTrue(c.tcp("a.example.org.", Type.A).getHeader().getFlag(Flags.TC), "query 2 truncated");
    }
  }

  @Test
  void badConfigurationIsAnErrorAtItsLine() {
    for (String bad : List.of(" erratic {\n  drop -1\n }", " erratic {\n  drop 1 2\n }",
        " erratic {\n  delay 2 soon\n }", " erratic {\n  jitter 2\n }", " erratic {\n  truncate x\n }")) {
      ConfigException e = assertThrows(ConfigException.class, () -> server(bad).close(), bad);
      assertTrue(e.getMessage().contains(":3: erratic"), e.getMessage());
    }
  }
}
