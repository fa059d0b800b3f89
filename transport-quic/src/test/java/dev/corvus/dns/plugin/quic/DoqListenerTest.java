package dev.corvus.dns.plugin.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Peers;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over QUIC with kdig's {@code +quic} and with a Netty QUIC client that breaks RFC 9250 on
 * purpose: each protocol error closes that connection with DOQ_PROTOCOL_ERROR, is counted, and
 * the server keeps answering the others.
 */
class DoqListenerTest {

  static final String ZONE = """
      $ORIGIN example.org.
      @    3600 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300
      @    3600 IN NS  ns.example.org.
      ns   3600 IN A   127.0.0.1
      www   300 IN A   127.0.0.1
      mail  600 IN MX  10 www.example.org.
      """;

  @TempDir
  static Path dir;
  static Corvus server;
  static InetSocketAddress doq;

  @BeforeAll
  static void start() throws Exception {
    Peers.certificate(dir);
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        quic://.:0 {
            tls cert.pem key.pem
            quic {
                max_streams 16
            }
            file db.example.org example.org
            whoami
            prometheus 127.0.0.1:0
        }
        """);
    server = Corvus.builder().corefile(corefile).dnsPort(0).start();
    doq = server.listeners().get(0).stream();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String kdig(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Peers.require("kdig", "knot-dnsutils"),
        "@127.0.0.1", "-p", Integer.toString(doq.getPort()), "+quic"));
    command.addAll(List.of(args));
    Peers.Output out = Peers.run(command.toArray(String[]::new));
    assertEquals(0, out.exitCode(), out.text());
    return out.text();
  }

  static byte[] query(String name, int type, int id) {
    Message query = DnsClient.newQuery(name, type);
    query.getHeader().setID(id);
    return query.toWire();
  }

  private static double protocolErrors() {
    return server.metricValue("coredns_dns_quic_responses_total", "quic://:0", "0x2");
  }

  @Test
  void kdigQueriesOverQuic() throws Exception {
    String a = kdig("www.example.org", "A");
    assertTrue(a.contains("QUIC"), a);
    assertTrue(a.matches("(?s).*www\\.example\\.org\\.\\s+300\\s+IN\\s+A\\s+127\\.0\\.0\\.1.*"), a);
    String mx = kdig("mail.example.org", "MX");
    assertTrue(mx.matches("(?s).*mail\\.example\\.org\\.\\s+600\\s+IN\\s+MX\\s+10 www\\.example\\.org\\..*"), mx);
    assertTrue(kdig("nope.example.org").contains("status: NXDOMAIN"));
    // whoami names the protocol as CoreDNS's request.Proto(): DoQ is udp
    String who = kdig("who.am.i");
    assertTrue(who.contains("_udp.who.am.i."), who);
    assertTrue(server.metricValue("coredns_dns_quic_responses_total", "quic://:0", "0x0") >= 4);
  }

  @Test
  void manyQueriesShareAConnectionOneStreamEach() throws Exception {
    try (QuicTestClient client = QuicTestClient.connect(doq, "doq")) {
      // the limit is the server's transport parameter, which the client applies on its own loop
      assertTrue(Poll.until(Duration.ofSeconds(5),
          () -> client.connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) == 16), "quic's max_streams");
      for (int i = 0; i < 40; i++) {
        QuicTestClient.DoqStreamHandle stream = client.openDoq();
        stream.query(query("www.example.org.", Type.A, 0));
        Message answer = new Message(stream.message());
        assertEquals(0, answer.getHeader().getID());
        assertEquals("127.0.0.1", answer.getSection(Section.ANSWER).get(0).rdataToString());
      }
    }
  }

  @Test
  void protocolErrorsCloseTheConnectionWithDoqProtocolError() throws Exception {
    Message keepalive = DnsClient.newQuery("www.example.org.", Type.A);
    keepalive.getHeader().setID(0);
    keepalive.addRecord(new OPTRecord(1232, 0, 0, 0, List.<EDNSOption>of(new GenericEDNSOption(11, new byte[0]))),
        Section.ADDITIONAL);
    byte[] good = query("www.example.org.", Type.A, 0);
    byte[][] attempts = {
        framed(query("www.example.org.", Type.A, 4242)), // RFC 9250 §4.2.1: ID must be 0
        framed(keepalive.toWire()), // §5.5.2: no edns-tcp-keepalive
        java.util.Arrays.copyOf(framed(good), 10), // FIN before the whole message
        "this is not DNS at all, no".getBytes(), // a length prefix that does not match
        concat(framed(good), framed(good)), // two messages on one stream
        new byte[] {0, 0}, // a zero length (pre-RFC drafts)
    };
    for (byte[] attempt : attempts) {
      double before = protocolErrors();
      try (QuicTestClient client = QuicTestClient.connect(doq, "doq")) {
        QuicTestClient.DoqStreamHandle stream = client.openDoq();
        stream.send(attempt, true);
        assertEquals(0x2, client.closedWith.get(10, TimeUnit.SECONDS), "DOQ_PROTOCOL_ERROR");
      }
      assertEquals(before + 1, protocolErrors());
    }
    assertTrue(kdig("www.example.org").contains("127.0.0.1"), "still serving");
  }

  @Test
  void aStreamResetHalfWayLeavesTheConnectionServing() throws Exception {
    try (QuicTestClient client = QuicTestClient.connect(doq, "doq")) {
      QuicTestClient.DoqStreamHandle cancelled = client.openDoq();
      cancelled.send(java.util.Arrays.copyOf(framed(query("www.example.org.", Type.A, 0)), 8), false);
      cancelled.stream.shutdownOutput(0x3).sync(); // RESET_STREAM with DOQ_REQUEST_CANCELLED
      QuicTestClient.DoqStreamHandle next = client.openDoq();
      next.query(query("mail.example.org.", Type.MX, 0));
      Message answer = new Message(next.message());
      assertEquals(Rcode.NOERROR, answer.getRcode());
      assertEquals(Type.MX, answer.getSection(Section.ANSWER).get(0).getType());
      assertTrue(client.connection.isActive());
    }
  }

  @Test
  void aStreamThatNeverSendsItsQueryEndsTheConnectionAfterTheReadTimeout() throws Exception {
    double before = protocolErrors();
    try (QuicTestClient client = QuicTestClient.connect(doq, "doq")) {
      QuicTestClient.DoqStreamHandle stalled = client.openDoq();
      stalled.send(new byte[] {0, 40}, false);
      assertEquals(0x2, client.closedWith.get(10, TimeUnit.SECONDS));
    }
    assertEquals(before + 1, protocolErrors());
  }

  static byte[] framed(byte[] wire) {
    byte[] framed = new byte[wire.length + 2];
    framed[0] = (byte) (wire.length >> 8);
    framed[1] = (byte) wire.length;
    System.arraycopy(wire, 0, framed, 2, wire.length);
    return framed;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
