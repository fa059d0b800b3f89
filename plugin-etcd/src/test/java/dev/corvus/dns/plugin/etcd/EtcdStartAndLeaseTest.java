package dev.corvus.dns.plugin.etcd;

import static dev.corvus.dns.testkit.DnsAnswers.assertRcode;
import static dev.corvus.dns.testkit.DnsAnswers.rdata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.DnsAnswers;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Etcd;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Serving starts unready while etcd is away, and lease TTLs are served within their bounds. */
class EtcdStartAndLeaseTest {

  private static Corvus start(String endpoint, String options) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  etcd skydns.test {\n    endpoint " + endpoint + "\n" + options + "  }\n}\n")
        .dnsPort(0)
        .start();
  }

  @Test
  void unreadyAndServfailUntilTheFirstLoadThenServing() throws Exception {
    try (Etcd etcd = new Etcd()) {
      etcd.put("/skydns/test/skydns/www", "{\"host\":\"10.0.5.1\"}");
      etcd.kill();
      try (Corvus server = start(etcd.url(), "")) {
        assertFalse(server.isReady());
        assertEquals(List.of("etcd"), server.notReady());
        DnsAnswers dns = new DnsAnswers(server);
        assertRcode(Rcode.SERVFAIL, dns.udp("www.skydns.test.", Type.A));
        etcd.start();
        // the plugin retries with back-off of at most 10 s
        assertTrue(Poll.until(Duration.ofSeconds(20), server::isReady), () -> "not ready: " + server.notReady());
        assertEquals(List.of("10.0.5.1"), rdata(dns.tcp("www.skydns.test.", Type.A)));
      }
    }
  }

  @Test
  void leaseTtlsAreServedWithinMinAndMax() throws Exception {
    try (Etcd etcd = new Etcd()) {
      String lease = etcd.grantLease(100);
      etcd.putWithLease("/skydns/test/skydns/short", "{\"host\":\"10.0.6.1\"}", lease);
      etcd.putWithLease("/skydns/test/skydns/own", "{\"host\":\"10.0.6.2\",\"ttl\":20}", lease);
      try (Corvus server = start(etcd.url(), "")) {
        DnsAnswers dns = new DnsAnswers(server);
        // the lease's remaining time (at most 100 s), once the plugin read it
        Message leased = dns.awaitAnswer("short.skydns.test.", Type.A, 5000, m -> ttl(m) <= 100);
        assertTrue(ttl(leased) >= 90, () -> "remaining lease time: " + leased);
        assertEquals(20, ttl(dns.udp("own.skydns.test.", Type.A)), "the smaller of the message's TTL and the lease's");
      }
      try (Corvus server = start(etcd.url(), "    max-lease-ttl 1m\n")) {
        new DnsAnswers(server).awaitAnswer("short.skydns.test.", Type.A, 5000, m -> ttl(m) == 60);
      }
      try (Corvus server = start(etcd.url(), "    min-lease-ttl 200\n")) {
        new DnsAnswers(server).awaitAnswer("short.skydns.test.", Type.A, 5000, m -> ttl(m) == 200);
      }
    }
  }

  private static long ttl(Message m) {
    return m.getSection(Section.ANSWER).isEmpty() ? -1 : m.getSection(Section.ANSWER).get(0).getTTL();
  }
}
