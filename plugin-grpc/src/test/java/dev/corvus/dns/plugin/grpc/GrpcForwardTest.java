package dev.corvus.dns.plugin.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.grpc.pb.Certificates;
import dev.corvus.dns.grpc.pb.PythonGrpc;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code grpc} directive forwarding to two real gRPC peers: Corvus's own {@code grpc://}
 * listener (plain and TLS) serving a zone, and a server of Python's grpcio with stubs generated
 * from {@code dns.proto}. Clients ask the forwarding server over UDP.
 */
class GrpcForwardTest {

  static final String ZONE = """
      $ORIGIN example.org.
      @    3600 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300
      @    3600 IN NS  ns.example.org.
      ns   3600 IN A   127.0.0.1
      www   300 IN A   127.0.0.1
      www   300 IN A   127.0.0.2
      mail  600 IN MX  10 www.example.org.
      """;

  @TempDir
  static Path dir;
  static Corvus upstream;
  static Corvus tlsUpstream;
  static PythonGrpc peer;
  static PythonGrpc.Server python;
  static int upstreamPort;
  static int tlsPort;
  static int deadPort;
  static final List<Corvus> fronts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    peer = PythonGrpc.generate(Files.createDirectories(dir.resolve("python")));
    python = peer.server();
    Certificates.selfSigned(dir);
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    upstream = Corvus.builder().corefile(Files.writeString(dir.resolve("Corefile.upstream"), """
        grpc://example.org:0 {
            file db.example.org
        }
        """)).dnsPort(0).start();
    upstreamPort = upstream.tcpAddress().getPort();
    tlsUpstream = Corvus.builder().corefile(Files.writeString(dir.resolve("Corefile.tls"), """
        grpc://example.org:0 {
            tls cert.pem key.pem
            file db.example.org
        }
        """)).dnsPort(0).start();
    tlsPort = tlsUpstream.tcpAddress().getPort();
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = socket.getLocalPort(); // closed below: nobody listens there
    }
  }

  @AfterAll
  static void stop() throws IOException {
    for (Corvus server : fronts) {
      server.close();
    }
    for (Corvus server : new Corvus[] {upstream, tlsUpstream}) {
      if (server != null) {
        server.close();
      }
    }
    if (python != null) {
      python.close();
    }
  }

  /** A forwarding server whose only block is {@code body}; its UDP client. */
  private static DnsClient front(String name, String body) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile." + name), ".:0 {\n" + body + "\n}\n");
    Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start();
    fronts.add(server);
    // The first query of a channel loads and connects gRPC's client: seconds on a loaded machine.
    return new DnsClient(server.udpAddress(), Duration.ofSeconds(10));
  }

  /** whoami's answer: no answer records, the client's address and port in the additional section. */
  private static boolean answeredByWhoami(Message message) {
    return message.getSection(Section.ANSWER).isEmpty()
        && message.getSection(Section.ADDITIONAL).stream().anyMatch(r -> r.getType() == Type.SRV)
        && message.getSection(Section.ADDITIONAL).stream().anyMatch(r -> r.rdataToString().equals("127.0.0.1"));
  }

  private static List<String> answers(Message message) {
    return message.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
  }

  @Test
  void forwardsToCorvusGrpcListenerAndCountsAsCoredns() throws Exception {
    DnsClient client = front("plain", "grpc . 127.0.0.1:" + upstreamPort + "\nprometheus 127.0.0.1:0");
    Message www = client.udp("www.example.org.", Type.A);
    assertEquals(Rcode.NOERROR, www.getRcode());
    assertEquals(List.of("127.0.0.1", "127.0.0.2"), answers(www));
    Message mx = client.udp("mail.example.org.", Type.MX);
    assertEquals(List.of("10 www.example.org."), answers(mx));
    Message nope = client.udp("nope.example.org.", Type.A);
    assertEquals(Rcode.NXDOMAIN, nope.getRcode());
    assertEquals(Type.SOA, nope.getSection(Section.AUTHORITY).get(0).getType());
    // the upstream has no block for other names: its REFUSED is passed on as CoreDNS does
    assertEquals(Rcode.REFUSED, client.udp("other.test.", Type.A).getRcode());
    Corvus server = fronts.get(fronts.size() - 1);
    String to = "127.0.0.1:" + upstreamPort;
    assertEquals(4, server.metricValue("coredns_grpc_requests_total", to), 0);
    assertEquals(2, server.metricValue("coredns_grpc_responses_total", "NOERROR", to), 0);
    assertEquals(1, server.metricValue("coredns_grpc_responses_total", "NXDOMAIN", to), 0);
  }

  @Test
  void forwardsOverTlsCheckingTheUpstreamCertificate() throws Exception {
    String to = "grpc . 127.0.0.1:" + tlsPort + " {\n";
    DnsClient named = front("tls-named", to + "tls cert.pem\ntls_servername localhost\n}");
    assertEquals(List.of("127.0.0.1", "127.0.0.2"), answers(named.udp("www.example.org.", Type.A)));
    // without tls_servername the address is checked, and the certificate names 127.0.0.1 too
    DnsClient byAddress = front("tls-address", to + "tls cert.pem\n}");
    assertEquals(List.of("127.0.0.1", "127.0.0.2"), answers(byAddress.udp("www.example.org.", Type.A)));
    // a certificate that does not carry the expected name is no answer
    DnsClient wrongName = front("tls-wrong", to + "tls cert.pem\ntls_servername other.example\n}");
    assertEquals(Rcode.SERVFAIL, wrongName.udp("www.example.org.", Type.A).getRcode());
    // nor is a server whose CA is not trusted (here: the system's CAs)
    DnsClient untrusted = front("tls-untrusted", to + "tls\n}");
    assertEquals(Rcode.SERVFAIL, untrusted.udp("www.example.org.", Type.A).getRcode());
  }

  @Test
  void forwardsToAPythonGrpcServerWhoseNotFoundIsNxdomain() throws Exception {
    DnsClient client = front("python", "grpc . 127.0.0.1:" + python.port());
    Message answer = client.udp("anything.test.", Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode());
    assertEquals(List.of("192.0.2.53"), answers(answer));
    assertEquals(60, answer.getSection(Section.ANSWER).get(0).getTTL());
    assertEquals(Rcode.NXDOMAIN, client.udp("missing.test.", Type.A).getRcode());
    assertEquals(Rcode.SERVFAIL, client.udp("broken.test.", Type.A).getRcode());
  }

  @Test
  void forwardsToAPythonGrpcServerOnAUnixSocket() throws Exception {
    Path socket = dir.resolve("grpc.sock");
    try (PythonGrpc.Server onSocket = peer.server(socket)) {
      assertTrue(onSocket.port() > 0 && Files.exists(socket), "the Python server listens on " + socket);
      DnsClient client = front("unix", "grpc . unix://" + socket + "\nprometheus 127.0.0.1:0");
      assertEquals(List.of("192.0.2.53"), answers(client.udp("over.unix.test.", Type.A)));
      assertEquals(1, fronts.get(fronts.size() - 1).metricValue("coredns_grpc_requests_total", "unix://" + socket), 0);
    }
  }

  @Test
  void anUpstreamThatFailsIsFollowedByTheNext() throws Exception {
    DnsClient client = front("failover",
        "grpc . 127.0.0.1:" + deadPort + " 127.0.0.1:" + python.port() + " {\npolicy sequential\n}");
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of("192.0.2.53"), answers(client.udp("failover" + i + ".test.", Type.A)));
    }
    DnsClient allDead = front("dead", "grpc . 127.0.0.1:" + deadPort);
    assertEquals(Rcode.SERVFAIL, allDead.udp("anything.test.", Type.A).getRcode());
  }

  @Test
  void roundRobinTakesTheUpstreamsInTurn() throws Exception {
    DnsClient client = front("robin",
        "grpc . 127.0.0.1:" + upstreamPort + " 127.0.0.1:" + python.port() + " {\npolicy round_robin\n}");
    List<List<String>> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      seen.add(answers(client.udp("www.example.org.", Type.A)));
    }
    List<String> corvus = List.of("127.0.0.1", "127.0.0.2");
    List<String> pythons = List.of("192.0.2.53");
    // CoreDNS's counter starts at the second upstream
    assertEquals(List.of(pythons, corvus, pythons, corvus), seen);
  }

  @Test
  void fallthroughPassesNxdomainOnAndExceptNamesAreNotForwarded() throws Exception {
    DnsClient client = front("fallthrough",
        "grpc . 127.0.0.1:" + python.port() + " {\nfallthrough\nexcept skip.test\n}\nwhoami");
    // NOT_FOUND from the upstream is NXDOMAIN, which falls through to whoami
    Message fell = client.udp("missing.test.", Type.A);
    assertEquals(Rcode.NOERROR, fell.getRcode());
    assertTrue(answeredByWhoami(fell), fell.toString());
    // names under except go to whoami without asking the upstream
    Message skipped = client.udp("a.skip.test.", Type.A);
    assertTrue(answeredByWhoami(skipped), skipped.toString());
    // and the rest is forwarded
    assertEquals(List.of("192.0.2.53"), answers(client.udp("kept.test.", Type.A)));
  }
}
