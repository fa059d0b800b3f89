package dev.corvus.dns.plugin.etcd;

import static dev.corvus.dns.testkit.DnsAnswers.answer;
import static dev.corvus.dns.testkit.DnsAnswers.assertRcode;
import static dev.corvus.dns.testkit.DnsAnswers.rdata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.DnsAnswers;
import dev.corvus.dns.testkit.peers.Etcd;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The etcd plugin against a real etcd: records put with etcdctl are answered over UDP and TCP
 * within a second, deleted ones disappear, and an etcd outage is served from the last view.
 */
class EtcdLiveTest {

  private static final long WITHIN_MILLIS = 1000;
  private static Etcd etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = new Etcd();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static Corvus start(String path) throws Exception {
    return Corvus.builder()
        .corefile(".:0 {\n  etcd skydns.test {\n    path " + path + "\n    endpoint " + etcd.url() + "\n  }\n}\n")
        .dnsPort(0)
        .start();
  }

  @Test
  void recordsPutWithEtcdctlAreAnsweredAndDeletedOnesDisappear() throws Exception {
    etcd.put("/live1/test/skydns/www", "{\"host\":\"10.0.0.1\",\"ttl\":60}");
    try (Corvus server = start("/live1")) {
      assertTrue(server.isReady(), () -> "not ready: " + server.notReady());
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("www.skydns.test. 60 A 10.0.0.1"), answer(dns.udp("www.skydns.test.", Type.A)));
      assertEquals(List.of("www.skydns.test. 60 A 10.0.0.1"), answer(dns.tcp("www.skydns.test.", Type.A)));

      long put = System.nanoTime();
      etcd.put("/live1/test/skydns/api/x1", "{\"host\":\"10.0.0.2\"}");
      etcd.put("/live1/test/skydns/api/x2", "{\"host\":\"2001:db8::2\",\"ttl\":30}");
      dns.awaitAnswer("api.skydns.test.", Type.A, WITHIN_MILLIS, m -> rdata(m).equals(List.of("10.0.0.2")));
      System.out.printf("etcd: a put answered after %d ms%n", (System.nanoTime() - put) / 1_000_000);
      assertEquals(List.of("api.skydns.test. 300 A 10.0.0.2"), answer(dns.tcp("api.skydns.test.", Type.A)));
      assertEquals(List.of("api.skydns.test. 30 AAAA 2001:db8:0:0:0:0:0:2"), answer(dns.udp("api.skydns.test.", Type.AAAA)));

      etcd.delete("/live1/test/skydns/www");
      dns.awaitAnswer("www.skydns.test.", Type.A, WITHIN_MILLIS, m -> m.getRcode() == Rcode.NXDOMAIN);
      Message gone = dns.tcp("www.skydns.test.", Type.A);
      assertRcode(Rcode.NXDOMAIN, gone);
      assertEquals("skydns.test.", gone.getSection(org.xbill.DNS.Section.AUTHORITY).get(0).getName().toString());
    }
  }

  @Test
  void malformedValuesAreSkippedAndNothingElseIsAffected() throws Exception {
    etcd.put("/live2/test/skydns/svc/good", "{\"host\":\"10.0.1.1\",\"ttl\":60}");
    etcd.put("/live2/test/skydns/svc/bad", "{\"host\":\"10.0.1.2\",\"ttl\":\"sixty\"}");
    etcd.put("/live2/test/skydns/broken", "not json");
    try (Corvus server = start("/live2")) {
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("svc.skydns.test. 60 A 10.0.1.1"), answer(dns.udp("svc.skydns.test.", Type.A)));
      // the key exists but holds nothing usable: NODATA, not SERVFAIL
      Message broken = dns.udp("broken.skydns.test.", Type.A);
      assertRcode(Rcode.NOERROR, broken);
      assertTrue(answer(broken).isEmpty());
      etcd.put("/live2/test/skydns/svc/bad", "{\"host\":\"10.0.1.2\",\"ttl\":60}");
      dns.awaitAnswer("svc.skydns.test.", Type.A, WITHIN_MILLIS,
          m -> rdata(m).equals(List.of("10.0.1.1", "10.0.1.2")));
    }
  }

  @Test
  void anOutageIsServedFromTheLastViewAndTheWatchCatchesUp() throws Exception {
    etcd.put("/live3/test/skydns/www", "{\"host\":\"10.0.2.1\",\"ttl\":60}");
    try (Corvus server = start("/live3")) {
      DnsAnswers dns = new DnsAnswers(server);
      assertEquals(List.of("10.0.2.1"), rdata(dns.udp("www.skydns.test.", Type.A)));

      etcd.kill();
      assertFalse(etcd.listening());
      for (int i = 0; i < 20; i++) {
        assertEquals(List.of("10.0.2.1"), rdata(dns.udp("www.skydns.test.", Type.A)));
        assertEquals(List.of("10.0.2.1"), rdata(dns.tcp("www.skydns.test.", Type.A)));
      }
      assertTrue(server.isReady(), "an outage after the first load keeps the server ready");

      etcd.start();
      long restarted = System.nanoTime();
      etcd.put("/live3/test/skydns/www", "{\"host\":\"10.0.2.2\",\"ttl\":60}");
      etcd.put("/live3/test/skydns/new", "{\"host\":\"10.0.2.3\",\"ttl\":60}");
      dns.awaitAnswer("new.skydns.test.", Type.A, 15_000, m -> rdata(m).equals(List.of("10.0.2.3")));
      System.out.printf("etcd: caught up %d ms after the restart%n", (System.nanoTime() - restarted) / 1_000_000);
      assertEquals(List.of("10.0.2.2"), rdata(dns.tcp("www.skydns.test.", Type.A)));
    }
  }
}
