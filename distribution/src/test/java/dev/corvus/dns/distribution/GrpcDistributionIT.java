package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.grpc.pb.PythonGrpc;
import dev.corvus.dns.server.client.DnsClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The assembled distribution serves {@code grpc://} and forwards with the {@code grpc}
 * directive: {@code bin/corvus} with a Corefile that serves a zone over gRPC and, on a DNS port,
 * forwards to it over gRPC; Python's grpcio (stubs generated from the {@code dns.proto} the
 * distribution ships) asks the gRPC port, dig-like UDP queries ask the DNS port.
 */
class GrpcDistributionIT {

  @Test
  void servesGrpcToAPythonClientAndForwardsOverGrpc(@TempDir Path dir) throws Exception {
    PythonGrpc python = PythonGrpc.generate(Files.createDirectories(dir.resolve("python")));
    Files.writeString(dir.resolve("db.example.org"), """
        $ORIGIN example.org.
        @    3600 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300
        @    3600 IN NS  ns.example.org.
        ns   3600 IN A   127.0.0.1
        www   300 IN A   192.0.2.80
        """);
    int grpcPort = CorvusProcess.freePort();
    int dnsPort = CorvusProcess.freePort();
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        grpc://example.org:%d {
            file db.example.org
        }
        .:%d {
            grpc . 127.0.0.1:%d
        }
        """.formatted(grpcPort, dnsPort, grpcPort));
    try (CorvusProcess corvus = CorvusProcess.start(dir, "-conf", corefile.toString())) {
      Message forwarded = DistributionIT.awaitAnswer(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort),
          "www.example.org.", Type.A, false);
      assertEquals(Rcode.NOERROR, forwarded.getRcode(), corvus.output());
      assertEquals(List.of("192.0.2.80"), answers(forwarded));
      try (PythonGrpc.Client client = python.client("127.0.0.1:" + grpcPort, Optional.empty(), "")) {
        PythonGrpc.Reply reply = client.query(DnsClient.newQuery("www.example.org.", Type.A).toWire());
        assertEquals("OK", reply.status(), reply.details());
        assertEquals(List.of("192.0.2.80"), answers(new Message(reply.msg())));
        PythonGrpc.Reply nxdomain = client.query(DnsClient.newQuery("nope.example.org.", Type.A).toWire());
        assertEquals(Rcode.NXDOMAIN, new Message(nxdomain.msg()).getRcode());
      }
      assertEquals(143, corvus.terminate(), "SIGTERM ends the server with the gRPC listener and client:\n" + corvus.output());
    }
  }

  private static List<String> answers(Message message) {
    return message.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }
}
