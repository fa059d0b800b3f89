package dev.corvus.dns.plugin.grpcserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.grpc.pb.Certificates;
import dev.corvus.dns.grpc.pb.PythonGrpc;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
 * The {@code grpc://} listener against a client that is not Corvus's: Python's grpcio with stubs
 * generated from {@code dns.proto} by protoc, in plain text and over TLS, compared answer for
 * answer with DNS over TCP from the same zone; and what it does with input no client should send.
 */
class GrpcListenerTest {

  static final String ZONE = """
      $ORIGIN example.org.
      @    3600 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300
      @    3600 IN NS  ns.example.org.
      ns   3600 IN A   127.0.0.1
      www   300 IN A   127.0.0.1
      www   300 IN A   127.0.0.2
      www    60 IN AAAA ::1
      mail  600 IN MX  10 www.example.org.
      txt   120 IN TXT "v=spf1 -all"
      """;

  static final String[][] QUESTIONS = {
      {"www.example.org.", "A"}, {"www.example.org.", "AAAA"}, {"mail.example.org.", "MX"},
      {"txt.example.org.", "TXT"}, {"example.org.", "SOA"}, {"nope.example.org.", "A"},
      {"www.example.org.", "MX"}, {"other.test.", "A"},
  };

  @TempDir
  static Path dir;
  static Corvus server;
  static Corvus tlsServer;
  static PythonGrpc python;
  static DnsClient dns;
  static int plainPort;
  static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    python = PythonGrpc.generate(Files.createDirectories(dir.resolve("python")));
    Certificates.selfSigned(dir);
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        dns://example.org:0 {
            file db.example.org
        }
        grpc://example.org:0 {
            file db.example.org
            prometheus 127.0.0.1:0
        }
        """);
    server = Corvus.builder().corefile(corefile).dnsPort(0).start();
    List<Corvus.ListenerAddress> listeners = server.listeners();
    dns = new DnsClient(listeners.get(0).stream());
    plainPort = listeners.get(1).stream().getPort();
    Path tlsCorefile = Files.writeString(dir.resolve("Corefile.tls"), """
        grpc://example.org:0 {
            tls cert.pem key.pem
            file db.example.org
        }
        """);
    tlsServer = Corvus.builder().corefile(tlsCorefile).dnsPort(0).start();
    tlsPort = tlsServer.tcpAddress().getPort();
  }

  @AfterAll
  static void stop() {
    for (Corvus running : new Corvus[] {server, tlsServer}) {
      if (running != null) {
        running.close();
      }
    }
  }

  private static List<String> records(Message message, int section) {
    return message.getSection(section).stream().map(Record::toString).sorted().toList();
  }

  @Test
  void pythonClientGetsOverGrpcWhatDnsOverTcpAnswers() throws Exception {
    try (PythonGrpc.Client plain = python.client("127.0.0.1:" + plainPort, Optional.empty(), "");
        PythonGrpc.Client tls = python.client("127.0.0.1:" + tlsPort, Optional.of(dir.resolve("cert.pem")), "localhost")) {
      for (String[] question : QUESTIONS) {
        Message query = DnsClient.newQuery(question[0], Type.value(question[1]));
        Message reference = dns.tcp(question[0], Type.value(question[1]));
        for (PythonGrpc.Client client : List.of(plain, tls)) {
          PythonGrpc.Reply reply = client.query(query.toWire());
          assertEquals("OK", reply.status(), reply.details());
          Message answer = new Message(reply.msg());
          String what = String.join(" ", question) + (client == tls ? " over TLS" : "");
          assertEquals(query.getHeader().getID(), answer.getHeader().getID(), what);
          assertEquals(reference.getRcode(), answer.getRcode(), what);
          assertEquals(records(reference, Section.ANSWER), records(answer, Section.ANSWER), what);
          assertEquals(records(reference, Section.AUTHORITY), records(answer, Section.AUTHORITY), what);
        }
      }
    }
    assertEquals(Rcode.REFUSED, dns.tcp("other.test.", Type.A).getRcode(), "no block for other.test");
  }

  @Test
  void badInputGetsAStatusIsCountedAndTheListenerServesTheNextQuery() throws Exception {
    try (PythonGrpc.Client client = python.client("127.0.0.1:" + plainPort, Optional.empty(), "")) {
      // a DnsPacket over CoreDNS's 65,539-byte limit: gRPC refuses it before a query is read
      PythonGrpc.Reply oversized = client.query(new byte[70_000]);
      assertEquals("RESOURCE_EXHAUSTED", oversized.status(), oversized.details());
      // too short to be a DNS message
      PythonGrpc.Reply tooShort = client.query(new byte[] {1, 2, 3, 4, 5});
      assertEquals("INVALID_ARGUMENT", tooShort.status(), tooShort.details());
      // a header with a question that runs past the end: FORMERR, as over UDP and TCP
      byte[] truncated = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w'};
      PythonGrpc.Reply formerr = client.query(truncated);
      assertEquals("OK", formerr.status(), formerr.details());
      assertEquals(Rcode.FORMERR, new Message(formerr.msg()).getRcode());
      assertEquals(0x1234, new Message(formerr.msg()).getHeader().getID());
      // and the same connection is served as before
      PythonGrpc.Reply good = client.query(DnsClient.newQuery("www.example.org.", Type.A).toWire());
      assertEquals("OK", good.status(), good.details());
      assertEquals(2, new Message(good.msg()).getSection(Section.ANSWER).size());
    }
    assertTrue(server.metricValue("corvus_dns_grpc_responses_total", "grpc://:0", "RESOURCE_EXHAUSTED") >= 1);
    assertTrue(server.metricValue("coredns_dns_requests_total", "grpc://:0", "example.org.", "", "tcp", "1", "A") >= 1);
    assertTrue(server.metricValue("corvus_dns_grpc_responses_total", "grpc://:0", "INVALID_ARGUMENT") >= 1);
    assertTrue(server.metricValue("corvus_dns_grpc_responses_total", "grpc://:0", "OK") >= 2);
  }

  @Test
  void viewsSeeTheAddressTheConnectionWasMadeTo() throws Exception {
    // Bound to every address: server_ip() is the address each client connected to.
    Path corefile = Files.writeString(dir.resolve("Corefile.view"), """
        grpc://.:0 {
            view second {
                expr server_ip() == '127.0.0.2'
            }
            hosts {
                2.2.2.2 test
            }
        }
        grpc://.:0 {
            hosts {
                1.1.1.1 test
            }
        }
        """);
    try (Corvus viewed = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      int port = viewed.tcpAddress().getPort();
      byte[] query = DnsClient.newQuery("test.", Type.A).toWire();
      for (String[] destination : new String[][] {{"127.0.0.1", "1.1.1.1"}, {"127.0.0.2", "2.2.2.2"}}) {
        try (PythonGrpc.Client client = python.client(destination[0] + ":" + port, Optional.empty(), "")) {
          PythonGrpc.Reply reply = client.query(query);
          assertEquals("OK", reply.status(), reply.details());
          assertEquals(destination[1], new Message(reply.msg()).getSection(Section.ANSWER).get(0).rdataToString(),
              "to " + destination[0]);
        }
      }
    }
  }

  @Test
  void maxConnectionsTurnsTheNextConnectionAwayAndKeepsServingTheOpenOne() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile.limited"), """
        grpc://example.org:0 {
            grpc_server {
                max_connections 1
            }
            file db.example.org
            prometheus 127.0.0.1:0
        }
        """);
    try (Corvus limited = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      String target = "127.0.0.1:" + limited.tcpAddress().getPort();
      byte[] query = DnsClient.newQuery("www.example.org.", Type.A).toWire();
      try (PythonGrpc.Client first = python.client(target, Optional.empty(), "");
          PythonGrpc.Client second = python.client(target, Optional.empty(), "")) {
        assertEquals("OK", first.query(query).status());
        PythonGrpc.Reply turnedAway = second.query(query);
        assertEquals("UNAVAILABLE", turnedAway.status(), turnedAway.details());
        assertEquals("OK", first.query(query).status());
      }
      assertEquals(1, limited.metricValue("corvus_dns_grpc_rejected_connections_total", "grpc://:0"), 0);
    }
  }
}
