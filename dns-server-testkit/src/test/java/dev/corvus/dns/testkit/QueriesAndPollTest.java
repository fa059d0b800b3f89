package dev.corvus.dns.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class QueriesAndPollTest {

  @Test
  void requestsComeFromLoopbackOverUdpInTheRootBlock() {
    Request request = Queries.request("www.Example.org", Type.AAAA);
    assertEquals(Queries.CLIENT, request.client());
    assertEquals(Transport.UDP, request.transport());
    assertEquals("dns://:53", request.server());
    assertEquals(Name.fromConstantString("www.Example.org."), request.qname());
    assertEquals(Type.AAAA, request.qtype());
    assertTrue(request.message().getHeader().getFlag(Flags.RD));
  }

  @Test
  void requestsCanNameTheirClientAndTransport() {
    InetSocketAddress client = new InetSocketAddress("::1", 5000);
    Request request = Queries.request("example.org.", Type.TXT, client, Transport.TCP);
    assertEquals(client, request.client());
    assertEquals(Transport.TCP, request.transport());
  }

  @Test
  void queriesCanAskAnotherClass() {
    var question = Queries.query("version.bind.", Type.TXT, DClass.CH).getQuestion();
    assertEquals(DClass.CH, question.getDClass());
    assertEquals(Type.TXT, question.getType());
    assertEquals(Name.fromConstantString("version.bind."), question.getName());
  }

  @Test
  void ednsQueriesCarryTheirOptions() {
    EDNSOption nsid = new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0]);
    var opt = Queries.ednsQuery("example.org.", Type.A, nsid).getOPT();
    assertEquals(1232, opt.getPayloadSize());
    assertEquals(1, opt.getOptions(EDNSOption.Code.NSID).size());
  }

  @Test
  void pollWaitsForAConditionUntilItsDeadline() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    assertTrue(Poll.until(Duration.ofSeconds(5), () -> checks.incrementAndGet() >= 3));
    assertEquals(3, checks.get());
    assertFalse(Poll.until(Duration.ofMillis(30), () -> false));
  }
}
