package dev.corvus.dns.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * On a wildcard bind, a UDP answer leaves from the address its query was sent to, as CoreDNS's:
 * a client drops an answer from another address. 127.0.0.2 is a local address whose route source
 * is 127.0.0.1, so the kernel alone would answer from the wrong one.
 */
class WildcardUdpSourceTest {

  @Test
  void answersLeaveFromTheQuerysDestinationAddress() throws Exception {
    String corefile = ".:0 {\n records {\n  example.org. 60 IN A 192.0.2.1\n }\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start();
        DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      client.setSoTimeout(5_000);
      int port = server.udpAddress().getPort();
      for (String destination : new String[] {"127.0.0.2", "127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
        // twice for 127.0.0.2: the first answer from the socket bound for it, the next read by it
        for (int i = 0; i < 2; i++) {
          Message query = DnsClient.newQuery("example.org.", Type.A);
          byte[] wire = query.toWire();
          client.send(new DatagramPacket(wire, wire.length, InetAddress.getByName(destination), port));
          byte[] buffer = new byte[4096];
          DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
          client.receive(answer);
          assertEquals(InetAddress.getByName(destination), answer.getAddress(), "the answer's source");
          assertEquals(port, answer.getPort());
          Message response = new Message(java.util.Arrays.copyOf(buffer, answer.getLength()));
          assertEquals(query.getHeader().getID(), response.getHeader().getID());
          assertEquals(Rcode.NOERROR, response.getRcode());
        }
      }
    }
  }
}
