package dev.corvus.dns.plugin.proxyproto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * dnsdist (Debian's) as the load balancer in front of Corvus, sending the PROXY protocol v2
 * ({@code newServer{..., useProxyProtocol=true}}) over UDP and TCP: Corvus's {@code whoami} names
 * the client that asked dnsdist, not dnsdist. The clients ask from 127.0.0.2 and 127.0.0.3,
 * dnsdist talks to Corvus from 127.0.0.1.
 */
class DnsdistProxyProtocolTest {

  @TempDir
  Path dir;

  private static String dnsdist() {
    Path path = Path.of("/usr/bin/dnsdist");
    assumeTrue(Files.isExecutable(path), "dnsdist is not installed (apt-get install dnsdist)");
    return path.toString();
  }

  private static int freePort() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static InetSocketAddress seenAs(Message response) throws IOException {
    assertEquals(Rcode.NOERROR, response.getRcode(), response.toString());
    List<Record> extra = response.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT).toList();
    return new InetSocketAddress(InetAddress.getByName(extra.get(0).rdataToString()), ((SRVRecord) extra.get(1)).getPort());
  }

  private static Message udpFrom(DatagramSocket socket, InetSocketAddress server) throws IOException {
    byte[] query = DnsClient.newQuery("www.example.org.", Type.A).toWire();
    socket.send(new DatagramPacket(query, query.length, server));
    byte[] buffer = new byte[4096];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    return new Message(Arrays.copyOf(buffer, packet.getLength()));
  }

  @Test
  void whoamiBehindDnsdistNamesTheClientNotTheBalancer() throws Exception {
    String dnsdist = dnsdist();
    String corefile = "example.org:0 {\n bind 127.0.0.1\n proxyproto {\n  allow 127.0.0.1/32\n  default reject\n }\n whoami\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      int port = freePort();
      Path config = Files.writeString(dir.resolve("dnsdist.conf"), String.join("\n",
          "setSecurityPollSuffix('')",
          "setLocal('127.0.0.1:" + port + "')",
          "newServer{address='127.0.0.1:" + server.udpAddress().getPort()
              + "', useProxyProtocol=true, checkName='health.example.org.', checkInterval=1}",
          ""));
      Process balancer = new ProcessBuilder(dnsdist, "--supervised", "--disable-syslog", "-C", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("dnsdist.log").toFile()).start();
      try {
        InetSocketAddress front = new InetSocketAddress("127.0.0.1", port);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
          client.setSoTimeout(500);
          // dnsdist answers once its health check (a LOCAL header: its own query) found Corvus up
          Message[] first = new Message[1];
          boolean up = Poll.until(Duration.ofSeconds(20), () -> {
            try {
              first[0] = udpFrom(client, front);
              return first[0].getRcode() == Rcode.NOERROR;
            } catch (SocketTimeoutException e) {
              return false;
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
          assertTrue(up, () -> "no answer through dnsdist: " + read(dir.resolve("dnsdist.log")));
          assertEquals(new InetSocketAddress("127.0.0.2", client.getLocalPort()), seenAs(first[0]));
        }
        try (Socket client = new Socket()) {
          client.bind(new InetSocketAddress("127.0.0.3", 0));
          client.connect(front, 5000);
          client.setSoTimeout(5000);
          for (int i = 0; i < 2; i++) {
            DnsClient.writeFrame(client.getOutputStream(), DnsClient.newQuery("www.example.org.", Type.A).toWire());
            Message answer = new Message(DnsClient.readFrame(new DataInputStream(client.getInputStream())));
            assertEquals(new InetSocketAddress("127.0.0.3", client.getLocalPort()), seenAs(answer));
          }
        }
        // A client that goes around dnsdist with a header of its own is refused (default reject);
        // its plain query is answered with its own address.
        try (DatagramSocket direct = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
          direct.setSoTimeout(5000);
          byte[] header = ProxyProtocolIntegrationTest.v2(0x12, new InetSocketAddress("203.0.113.7", 4242),
              new InetSocketAddress("127.0.0.1", 53));
          byte[] query = DnsClient.newQuery("www.example.org.", Type.A).toWire();
          byte[] spoofed = Arrays.copyOf(header, header.length + query.length);
          System.arraycopy(query, 0, spoofed, header.length, query.length);
          direct.send(new DatagramPacket(spoofed, spoofed.length, server.udpAddress()));
          assertEquals(new InetSocketAddress("127.0.0.2", direct.getLocalPort()), seenAs(udpFrom(direct, server.udpAddress())));
          assertEquals(1.0, server.metricValue("corvus_proxyproto_refused_total", "udp", "rejected"));
        }
      } finally {
        balancer.destroy();
        balancer.waitFor();
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
