package dev.corvus.dns.plugin.grpcserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.grpc.pb.Certificates;
import dev.corvus.dns.grpc.pb.DnsService;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.peers.ProxyBalancer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code proxyproto} on {@code grpc://}, as CoreDNS applies it there: a load balancer (a relay in
 * this test, as HAProxy) puts a PROXY header before a grpc-java client's HTTP/2 (plain or TLS);
 * {@code whoami} and {@code acl} see the client the header names, a peer outside {@code allow}
 * gets the block's {@code default}, a malformed header closes the connection, and a block without
 * {@code proxyproto} reads no header.
 */
class GrpcProxyProtocolTest {

  @TempDir
  static Path dir;
  static Corvus used;
  static Corvus rejecting;
  static Corvus tls;
  static Corvus without;

  @BeforeAll
  static void start() throws Exception {
    Certificates.selfSigned(dir);
    used = start("used", "", "proxyproto {\n        allow 127.0.0.1/32\n    }");
    rejecting = start("rejecting", "", "proxyproto {\n        allow 10.0.0.0/8\n        default reject\n    }");
    tls = start("tls", "tls cert.pem key.pem", "proxyproto");
    without = start("without", "", "");
  }

  private static Corvus start(String name, String tls, String proxyproto) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile-" + name), """
        grpc://whoami.test:0 {
            %s
            %s
            acl {
                block net 192.0.2.66/32
            }
            whoami
        }
        """.formatted(tls, proxyproto));
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  @AfterAll
  static void stop() {
    for (Corvus server : new Corvus[] {used, rejecting, tls, without}) {
      if (server != null) {
        server.close();
      }
    }
  }

  private static InetSocketAddress grpc(Corvus server) {
    return server.listeners().get(0).stream();
  }

  @Test
  void aBalancersV2HeaderNamesTheClientOfTheCalls() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(used), ProxyBalancer.v2("192.0.2.7", 5353, grpc(used)))) {
      assertEquals("192.0.2.7", whoamiAddress(query(balancer.port(), false)));
    }
  }

  @Test
  void aclSeesTheClientAV1HeaderNames() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(used), ProxyBalancer.v1("192.0.2.66", 40000))) {
      Message answer = query(balancer.port(), false);
      assertEquals(Rcode.REFUSED, answer.getRcode(), "acl blocks 192.0.2.66: " + answer);
    }
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(used), ProxyBalancer.v1("192.0.2.7", 40001))) {
      assertEquals("192.0.2.7", whoamiAddress(query(balancer.port(), false)));
    }
  }

  @Test
  void theHeaderComesBeforeTls() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(tls), ProxyBalancer.v2("192.0.2.7", 5353, grpc(tls)))) {
      assertEquals("192.0.2.7", whoamiAddress(query(balancer.port(), true)));
    }
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(tls), ProxyBalancer.v1("192.0.2.66", 40000))) {
      assertEquals(Rcode.REFUSED, query(balancer.port(), true).getRcode());
    }
  }

  @Test
  void onAListenerBoundToEveryAddressTheHeaderNamesTheClientOnEachAddress() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile-wildcard"), """
        grpc://.:0 {
            proxyproto
            whoami
        }
        """);
    try (Corvus wildcard = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      int port = wildcard.tcpAddress().getPort();
      for (String[] via : new String[][] {{"127.0.0.1", "192.0.2.7"}, {"127.0.0.2", "192.0.2.8"}}) {
        InetSocketAddress server = new InetSocketAddress(via[0], port);
        try (ProxyBalancer balancer = new ProxyBalancer(server, ProxyBalancer.v2(via[1], 5353, server))) {
          assertEquals(via[1], whoamiAddress(query(balancer.port(), false)), "to " + via[0]);
        }
      }
    }
  }

  @Test
  void aConnectionWithoutAHeaderFromAnAllowedPeerIsServedWithThePeerAsClient() throws Exception {
    assertEquals("127.0.0.1", whoamiAddress(query(grpc(used).getPort(), false)));
    assertEquals("127.0.0.1", whoamiAddress(query(grpc(tls).getPort(), true)));
  }

  @Test
  void aPeerOutsideAllowWithDefaultRejectIsClosedWhenItSendsAHeaderAndServedWithout() throws Exception {
    double before = rejecting.metricValue("corvus_proxyproto_refused_total", "tcp", "rejected");
    String sent = closedAfter(grpc(rejecting), ProxyBalancer.v2("192.0.2.7", 5353, grpc(rejecting)));
    assertFalse(sent.contains("preface"), "closed by proxyproto, not by HTTP/2: " + sent);
    assertEquals(1, rejecting.metricValue("corvus_proxyproto_refused_total", "tcp", "rejected") - before, 0);
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(rejecting), ProxyBalancer.v2("192.0.2.7", 5353, grpc(rejecting)))) {
      // grpc-java's status depends on how far it got (UNAVAILABLE, UNKNOWN "channel closed")
      assertThrows(StatusRuntimeException.class, () -> query(balancer.port(), false));
    }
    assertTrue(rejecting.metricValue("corvus_proxyproto_refused_total", "tcp", "rejected") - before >= 2);
    assertEquals("127.0.0.1", whoamiAddress(query(grpc(rejecting).getPort(), false)));
  }

  @Test
  void aMalformedHeaderClosesTheConnection() throws Exception {
    double before = used.metricValue("corvus_proxyproto_refused_total", "tcp", "invalid");
    byte[] malformed = "PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII);
    String sent = closedAfter(grpc(used), malformed);
    assertFalse(sent.contains("preface"), "closed by proxyproto, not by HTTP/2: " + sent);
    assertEquals(1, used.metricValue("corvus_proxyproto_refused_total", "tcp", "invalid") - before, 0);
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(used), malformed)) {
      assertThrows(StatusRuntimeException.class, () -> query(balancer.port(), false));
    }
    assertTrue(used.metricValue("corvus_proxyproto_refused_total", "tcp", "invalid") - before >= 2);
    assertEquals("127.0.0.1", whoamiAddress(query(grpc(used).getPort(), false)), "the listener serves on");
  }

  @Test
  void withoutProxyprotoNoHeaderIsRead() throws Exception {
    assertEquals("127.0.0.1", whoamiAddress(query(grpc(without).getPort(), false)));
    // the header is where HTTP/2's preface should be: gRPC's server says so in its GOAWAY
    String goaway = closedAfter(grpc(without), ProxyBalancer.v2("192.0.2.7", 5353, grpc(without)));
    assertTrue(goaway.contains("client preface string missing or corrupt"), goaway);
    try (ProxyBalancer balancer = new ProxyBalancer(grpc(without), ProxyBalancer.v2("192.0.2.7", 5353, grpc(without)))) {
      assertThrows(StatusRuntimeException.class, () -> query(balancer.port(), false));
    }
  }

  @Test
  void aHeaderThatNeverEndsIsClosedByTheHandshakeTimeout() throws Exception {
    long start = System.nanoTime();
    String sent = closedAfter(grpc(used), "PROXY TCP4 192.0.2.7".getBytes(StandardCharsets.US_ASCII));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(seconds >= 4 && seconds < 10, seconds + " s: " + sent);
  }

  /**
   * Sends {@code start} on a new connection to {@code server} and reads what comes back until the
   * server closes it.
   */
  private static String closedAfter(InetSocketAddress server, byte[] start) throws IOException {
    try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(start);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** A {@code whoami.test. A} query from grpc-java over a new connection to 127.0.0.1:{@code port}. */
  private static Message query(int port, boolean overTls) throws Exception {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port);
    if (overTls) {
      builder.sslContext(GrpcSslContexts.forClient().trustManager(dir.resolve("cert.pem").toFile()).build())
          .overrideAuthority("localhost");
    } else {
      builder.usePlaintext();
    }
    ManagedChannel channel = builder.build();
    try {
      byte[] reply = ClientCalls.blockingUnaryCall(channel, DnsService.QUERY,
          CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
          DnsClient.newQuery("whoami.test.", Type.A).toWire());
      return new Message(reply);
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The address whoami reports: the client the server saw. */
  private static String whoamiAddress(Message answer) {
    for (Record record : answer.getSection(Section.ADDITIONAL)) {
      if (record instanceof ARecord a) {
        return a.getAddress().getHostAddress();
      }
    }
    throw new AssertionError("no A record in whoami's answer: " + answer);
  }
}
