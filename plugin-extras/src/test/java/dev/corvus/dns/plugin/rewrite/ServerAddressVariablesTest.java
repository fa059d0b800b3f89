package dev.corvus.dns.plugin.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * rewrite's {@code {server_ip}} and {@code {server_port}} (CoreDNS's rewrite README: 4 or 16 bytes
 * of the server's address, 2 bytes of its port) on a server bound to every address: a client
 * sending to 127.0.0.1 and one sending to 127.0.0.2 each see the address it sent to, over real UDP
 * and TCP.
 */
class ServerAddressVariablesTest {

  private static final String COREFILE = """
      .:0 {
          rewrite continue edns0 local set 0xffee {server_ip}
          rewrite continue edns0 local set 0xffef {server_port}
          option_echo
      }
      """;

  @ParameterizedTest(name = "to {0} over tcp={1}")
  @CsvSource({
      "127.0.0.1, false, 7f000001",
      "127.0.0.1, true,  7f000001",
      "127.0.0.2, false, 7f000002",
      "127.0.0.2, true,  7f000002",
  })
  void theOptionsCarryTheAddressAndPortTheQueryWasSentTo(String destination, boolean tcp, String ipHex)
      throws Exception {
    try (Corvus server = Corvus.builder().corefile(COREFILE).plugin(new OptionEchoFactory()).dnsPort(0).start()) {
      int port = server.udpAddress().getPort();
      Message response = ask(new InetSocketAddress(destination, port), DnsClient.newQuery("example.org.", Type.A), tcp);
      TXTRecord txt = (TXTRecord) response.getSection(Section.ANSWER).get(0);
      assertEquals("ffee:" + ipHex + " ffef:" + String.format("%04x", port), txt.getStrings().get(0));
    }
  }

  private static Message ask(InetSocketAddress server, Message query, boolean tcp) throws IOException {
    byte[] wire = query.toWire();
    if (tcp) {
      try (Socket socket = new Socket()) {
        socket.connect(server, 3000);
        socket.setSoTimeout(3000);
        DnsClient.writeFrame(socket.getOutputStream(), wire);
        return new Message(DnsClient.readFrame(new DataInputStream(socket.getInputStream())));
      }
    }
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(3000);
      socket.send(new DatagramPacket(wire, wire.length, server));
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return new Message(Arrays.copyOf(buffer, packet.getLength()));
    }
  }
}
