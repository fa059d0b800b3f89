package dev.corvus.dns.plugin.proxyproto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.CapturedStderr;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The server's {@code proxyproto} directive end to end, over real sockets: a client speaking for
 * a load balancer puts a PROXY header before its query, and {@code whoami}, {@code acl} and
 * {@code log} see the client the header names.
 */
class ProxyProtocolIntegrationTest {

  private static final InetSocketAddress REAL_V4 = address("203.0.113.7", 4242);
  private static final InetSocketAddress REAL_V6 = address("2001:db8::5", 6000);
  private static final InetSocketAddress SERVER_SIDE = address("127.0.0.1", 53);

  private static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String corefile(String proxyproto) {
    return "example.org:0 {\n bind 127.0.0.1\n " + proxyproto + "\n acl blocked.example.org {\n  block net 203.0.113.0/24\n }\n"
        + " log\n whoami\n}\n";
  }

  /** A PROXY v2 header; {@code family} 0x11 TCP4, 0x12 UDP4, 0x21 TCP6, 0x22 UDP6. */
  static byte[] v2(int family, InetSocketAddress source, InetSocketAddress destination) {
    byte[] src = source.getAddress().getAddress();
    byte[] dst = destination.getAddress().getAddress();
    if (dst.length != src.length) {
      dst = Arrays.copyOf(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, src.length);
    }
    ByteBuffer out = ByteBuffer.allocate(16 + 2 * src.length + 4);
    out.put(new byte[] {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a})
        .put((byte) 0x21).put((byte) family).putShort((short) (2 * src.length + 4))
        .put(src).put(dst).putShort((short) source.getPort()).putShort((short) destination.getPort());
    return out.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] query(String name, int id) {
    Message query = DnsClient.newQuery(name, Type.A);
    query.getHeader().setID(id);
    return query.toWire();
  }

  /** whoami's address record and SRV port: who the server thinks asked. */
  private static InetSocketAddress seenAs(Message response) {
    assertEquals(Rcode.NOERROR, response.getRcode(), response.toString());
    List<Record> extra = response.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT).toList();
    InetAddress address = address(extra.get(0).rdataToString(), 0).getAddress();
    return new InetSocketAddress(address, ((SRVRecord) extra.get(1)).getPort());
  }

  private static Message udp(InetSocketAddress server, byte[] datagram) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      return udp(socket, server, datagram);
    }
  }

  private static Message udp(DatagramSocket socket, InetSocketAddress server, byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, server));
    byte[] buffer = new byte[65535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    return new Message(Arrays.copyOf(buffer, packet.getLength()));
  }

  private static Message frame(Socket socket, byte[] wire) throws IOException {
    DnsClient.writeFrame(socket.getOutputStream(), wire);
    return new Message(DnsClient.readFrame(new DataInputStream(socket.getInputStream())));
  }

  private static Socket connect(InetSocketAddress server, byte[] header) throws IOException {
    Socket socket = new Socket();
    socket.connect(server, 5000);
    socket.setSoTimeout(5000);
    OutputStream out = socket.getOutputStream();
    out.write(header);
    out.flush();
    return socket;
  }

  @Test
  void aVersion2HeaderOverUdpNamesTheClientForWhoamiAclAndLog() throws Exception {
    try (CapturedStderr err = new CapturedStderr();
        Corvus server = Corvus.builder().corefile(corefile("proxyproto")).dnsPort(0).start()) {
      Message answer = udp(server.udpAddress(), concat(v2(0x12, REAL_V4, SERVER_SIDE), query("www.example.org.", 1)));
      assertEquals(REAL_V4, seenAs(answer));
      assertEquals(1, answer.getHeader().getID());
      Message blocked = udp(server.udpAddress(), concat(v2(0x12, REAL_V4, SERVER_SIDE), query("blocked.example.org.", 2)));
      assertEquals(Rcode.REFUSED, blocked.getRcode(), "acl sees 203.0.113.7");
      assertTrue(err.awaitLine(l -> l.contains("203.0.113.7:4242 - 1 \"A IN www.example.org. udp"), Duration.ofSeconds(5)),
          () -> "log names the proxied client: " + err.lines());
      Message ipv6 = udp(server.udpAddress(), concat(v2(0x22, REAL_V6, SERVER_SIDE), query("www.example.org.", 3)));
      assertEquals(REAL_V6, seenAs(ipv6));
      Message direct = udp(server.udpAddress(), query("blocked.example.org.", 4));
      assertEquals(InetAddress.getByName("127.0.0.1"), seenAs(direct).getAddress(), "no header: the peer is the client");
    }
  }

  @Test
  void version1AndVersion2HeadersOverTcpNameTheClientOfEveryQueryOnTheConnection() throws Exception {
    try (Corvus server = Corvus.builder().corefile(corefile("proxyproto")).dnsPort(0).start()) {
      byte[] v1 = "PROXY TCP4 198.51.100.9 127.0.0.1 5555 53\r\n".getBytes(StandardCharsets.US_ASCII);
      try (Socket socket = connect(server.tcpAddress(), v1)) {
        assertEquals(address("198.51.100.9", 5555), seenAs(frame(socket, query("www.example.org.", 1))));
        assertEquals(address("198.51.100.9", 5555), seenAs(frame(socket, query("www.example.org.", 2))));
      }
      try (Socket socket = connect(server.tcpAddress(), v2(0x21, REAL_V6, SERVER_SIDE))) {
        assertEquals(REAL_V6, seenAs(frame(socket, query("www.example.org.", 3))));
      }
      try (Socket socket = connect(server.tcpAddress(), v2(0x11, REAL_V4, SERVER_SIDE))) {
        assertEquals(Rcode.REFUSED, frame(socket, query("blocked.example.org.", 4)).getRcode());
      }
      // the header and the query in one write, and a header split across two writes
      byte[] both = concat(v1, concat(new byte[] {0, (byte) query("www.example.org.", 5).length}, query("www.example.org.", 5)));
      try (Socket socket = connect(server.tcpAddress(), both)) {
        assertEquals(address("198.51.100.9", 5555),
            seenAs(new Message(DnsClient.readFrame(new DataInputStream(socket.getInputStream())))));
      }
      try (Socket socket = connect(server.tcpAddress(), Arrays.copyOf(v1, 10))) {
        socket.getOutputStream().write(Arrays.copyOfRange(v1, 10, v1.length));
        assertEquals(address("198.51.100.9", 5555), seenAs(frame(socket, query("www.example.org.", 6))));
      }
      try (Socket socket = connect(server.tcpAddress(), new byte[0])) {
        assertEquals(InetAddress.getByName("127.0.0.1"), seenAs(frame(socket, query("www.example.org.", 7))).getAddress());
      }
    }
  }

  @Test
  void aHeaderFromAPeerOutsideAllowIsRefusedWithDefaultReject() throws Exception {
    String corefile = corefile("proxyproto {\n  allow 10.0.0.0/8\n  default reject\n }");
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start();
        DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      byte[] proxied = concat(v2(0x12, REAL_V4, SERVER_SIDE), query("www.example.org.", 1));
      socket.send(new DatagramPacket(proxied, proxied.length, server.udpAddress()));
      // the same socket's next datagram is read after it: its answer, not the first's, comes back
      Message plain = udp(socket, server.udpAddress(), query("www.example.org.", 2));
      assertEquals(2, plain.getHeader().getID());
      assertEquals(InetAddress.getByName("127.0.0.1"), seenAs(plain).getAddress());
      assertEquals(1.0, server.metricValue("corvus_proxyproto_refused_total", "udp", "rejected"));

      try (Socket tcp = connect(server.tcpAddress(), v2(0x11, REAL_V4, SERVER_SIDE))) {
        InputStream in = tcp.getInputStream();
        assertEquals(-1, in.read(), "the connection is closed");
      }
      assertEquals(1.0, server.metricValue("corvus_proxyproto_refused_total", "tcp", "rejected"));
      try (Socket tcp = connect(server.tcpAddress(), new byte[0])) {
        assertEquals(InetAddress.getByName("127.0.0.1"), seenAs(frame(tcp, query("www.example.org.", 3))).getAddress(),
            "without a header the peer is served");
      }
    }
  }

  @Test
  void aHeaderFromAPeerInsideAllowIsUsedEvenWithDefaultReject() throws Exception {
    String corefile = corefile("proxyproto {\n  allow 127.0.0.0/8 10.0.0.0/8\n  default reject\n }");
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(REAL_V4, seenAs(udp(server.udpAddress(), concat(v2(0x12, REAL_V4, SERVER_SIDE), query("a.example.org.", 1)))));
      try (Socket socket = connect(server.tcpAddress(), v2(0x11, REAL_V4, SERVER_SIDE))) {
        assertEquals(REAL_V4, seenAs(frame(socket, query("a.example.org.", 2))));
      }
    }
  }

  @Test
  void withDefaultIgnoreTheHeaderIsDroppedAndThePeerIsTheClient() throws Exception {
    String corefile = corefile("proxyproto {\n  allow 10.0.0.0/8\n }");
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      Message answer = udp(server.udpAddress(), concat(v2(0x12, REAL_V4, SERVER_SIDE), query("www.example.org.", 1)));
      assertEquals(InetAddress.getByName("127.0.0.1"), seenAs(answer).getAddress());
      try (Socket socket = connect(server.tcpAddress(), v2(0x11, REAL_V4, SERVER_SIDE))) {
        assertEquals(InetAddress.getByName("127.0.0.1"), seenAs(frame(socket, query("www.example.org.", 2))).getAddress());
      }
    }
  }

  @Test
  void withDefaultSkipTheHeaderIsReadAsDns() throws Exception {
    String corefile = corefile("proxyproto {\n  allow 10.0.0.0/8\n  default skip\n }");
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      byte[] raw = new DnsClient(server.udpAddress(), Duration.ofSeconds(5))
          .udpRaw(concat(v2(0x12, REAL_V4, SERVER_SIDE), query("www.example.org.", 1)));
      Message answer = new Message(raw);
      assertEquals(0x0d0a, answer.getHeader().getID(), "the signature's first bytes were taken as the ID");
      assertEquals(Rcode.FORMERR, answer.getRcode());
    }
  }

  @Test
  void withUdpSessionTrackingAHeaderAloneNamesTheClientOfTheBalancersNextDatagrams() throws Exception {
    try (Corvus server = Corvus.builder().corefile(corefile("proxyproto {\n  udp_session_tracking 28s\n }")).dnsPort(0).start();
        DatagramSocket balancer = new DatagramSocket();
        DatagramSocket other = new DatagramSocket()) {
      balancer.setSoTimeout(5000);
      other.setSoTimeout(5000);
      byte[] header = v2(0x12, REAL_V4, SERVER_SIDE);
      balancer.send(new DatagramPacket(header, header.length, server.udpAddress()));
      assertEquals(REAL_V4, seenAs(udp(balancer, server.udpAddress(), query("www.example.org.", 1))));
      assertEquals(REAL_V4, seenAs(udp(balancer, server.udpAddress(), query("www.example.org.", 2))));
      assertEquals(address("127.0.0.1", other.getLocalPort()), seenAs(udp(other, server.udpAddress(), query("www.example.org.", 3))),
          "another peer address has no session");
      assertEquals(0.0, server.metricValue("corvus_proxyproto_refused_total", "udp", "invalid"));
    }
  }

  @Test
  void malformedHeadersAreDroppedOrCloseTheConnectionAndTheServerGoesOn() throws Exception {
    try (Corvus server = Corvus.builder().corefile(corefile("proxyproto")).dnsPort(0).start();
        DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      byte[] badVersion = v2(0x12, REAL_V4, SERVER_SIDE);
      badVersion[12] = 0x31;
      byte[] tcpOverUdp = v2(0x11, REAL_V4, SERVER_SIDE);
      byte[] v1OverUdp = "PROXY TCP4 198.51.100.9 127.0.0.1 5555 53\r\n".getBytes(StandardCharsets.US_ASCII);
      for (byte[] header : List.of(badVersion, tcpOverUdp, v1OverUdp)) {
        byte[] datagram = concat(header, query("www.example.org.", 1));
        socket.send(new DatagramPacket(datagram, datagram.length, server.udpAddress()));
      }
      assertEquals(2, udp(socket, server.udpAddress(), query("www.example.org.", 2)).getHeader().getID());
      assertEquals(3.0, server.metricValue("corvus_proxyproto_refused_total", "udp", "invalid"));
      try (Socket tcp = connect(server.tcpAddress(), "PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII))) {
        assertEquals(-1, tcp.getInputStream().read(), "the connection is closed");
      }
      assertEquals(1.0, server.metricValue("corvus_proxyproto_refused_total", "tcp", "invalid"));
    }
  }
}
