package dev.corvus.dns.plugin.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.peers.Peers;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code proxyproto} on {@code quic://} and {@code https3://}, as CoreDNS applies it: a load
 * balancer (a UDP relay here) puts a PROXY v2 header naming the client before each datagram of
 * kdig's DoQ or Netty's HTTP/3 client; {@code whoami} and {@code acl} see that client, answers go
 * back through the balancer, and a peer outside {@code allow} gets the block's {@code default}.
 */
class QuicProxyProtocolTest {

  @TempDir
  static Path dir;
  static Corvus used;
  static Corvus rejecting;
  static Map<String, InetSocketAddress> usedAddresses = new LinkedHashMap<>();
  static Map<String, InetSocketAddress> rejectingAddresses = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Peers.certificate(dir);
    used = start("used", "allow 127.0.0.1/32", usedAddresses);
    rejecting = start("rejecting", "allow 10.0.0.0/8\n        default reject", rejectingAddresses);
  }

  private static Corvus start(String name, String proxyproto, Map<String, InetSocketAddress> addresses) throws Exception {
    StringBuilder corefile = new StringBuilder();
    for (String scheme : List.of("quic", "https3")) {
      corefile.append("""
          %s://whoami.test:0 {
              tls cert.pem key.pem
              proxyproto {
                  %s
              }
              acl {
                  block net 192.0.2.66/32
              }
              whoami
          }
          """.formatted(scheme, proxyproto));
    }
    Corvus server = Corvus.builder().corefile(Files.writeString(dir.resolve("Corefile-" + name), corefile)).dnsPort(0).start();
    for (Corvus.ListenerAddress listener : server.listeners()) {
      addresses.put(listener.label().substring(0, listener.label().indexOf(':')), listener.stream());
    }
    return server;
  }

  @AfterAll
  static void stop() {
    for (Corvus server : new Corvus[] {used, rejecting}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void kdigsDoqBehindABalancerIsAnsweredForTheClientTheHeaderNames() throws Exception {
    try (UdpBalancer balancer = new UdpBalancer(usedAddresses.get("quic"), "192.0.2.7", 5353)) {
      String out = kdig(balancer.port(), "whoami.test");
      assertTrue(out.contains("status: NOERROR"), out);
      assertTrue(out.matches("(?s).*whoami\\.test\\.\\s+0\\s+IN\\s+A\\s+192\\.0\\.2\\.7\\b.*"), out);
    }
    try (UdpBalancer balancer = new UdpBalancer(usedAddresses.get("quic"), "192.0.2.66", 5353)) {
      String out = kdig(balancer.port(), "whoami.test");
      assertTrue(out.contains("status: REFUSED"), "acl blocks 192.0.2.66: " + out);
    }
  }

  @Test
  void http3BehindABalancerIsAnsweredForTheClientTheHeaderNames() throws Exception {
    try (UdpBalancer balancer = new UdpBalancer(usedAddresses.get("https3"), "192.0.2.7", 5353);
         QuicTestClient client = QuicTestClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
             balancer.port()), "h3")) {
      byte[] query = DnsClient.newQuery("whoami.test.", Type.A).toWire();
      QuicTestClient.Http3Response response = client.request("POST", "/dns-query",
          Map.of("content-type", "application/dns-message"), query);
      assertEquals(200, response.status(), new String(response.body(), StandardCharsets.UTF_8));
      assertEquals("192.0.2.7", whoamiAddress(new Message(response.body())));
    }
  }

  @Test
  void withoutAHeaderTheQuicPeerIsTheClient() throws Exception {
    String out = kdig(usedAddresses.get("quic").getPort(), "whoami.test");
    assertTrue(out.matches("(?s).*whoami\\.test\\.\\s+0\\s+IN\\s+A\\s+127\\.0\\.0\\.1\\b.*"), out);
  }

  @Test
  void aPeerOutsideAllowWithDefaultRejectHasItsDatagramsWithAHeaderDropped() throws Exception {
    double before = rejecting.metricValue("corvus_proxyproto_refused_total", "udp", "rejected");
    try (UdpBalancer balancer = new UdpBalancer(rejectingAddresses.get("quic"), "192.0.2.7", 5353)) {
      Peers.Output out = Peers.run(Peers.require("kdig", "knot-dnsutils"), "@127.0.0.1", "-p",
          Integer.toString(balancer.port()), "+quic", "+time=2", "+retry=0", "whoami.test");
      assertTrue(!out.text().contains("status: NOERROR"), out.text());
    }
    assertTrue(rejecting.metricValue("corvus_proxyproto_refused_total", "udp", "rejected") > before);
    String served = kdig(rejectingAddresses.get("quic").getPort(), "whoami.test");
    assertTrue(served.contains("status: NOERROR"), served);
  }

  private static String kdig(int port, String name) throws Exception {
    Peers.Output out = Peers.run(Peers.require("kdig", "knot-dnsutils"), "@127.0.0.1", "-p", Integer.toString(port),
        "+quic", "+time=5", "+retry=1", name, "A");
    assertEquals(0, out.exitCode(), out.text());
    return out.text();
  }

  private static String whoamiAddress(Message answer) {
    for (Record record : answer.getSection(Section.ADDITIONAL)) {
      if (record instanceof ARecord a) {
        return a.getAddress().getHostAddress();
      }
    }
    throw new AssertionError("no A record in whoami's answer (rcode " + Rcode.string(answer.getRcode()) + "): " + answer);
  }

  /**
   * A UDP load balancer on loopback: each client gets a socket of its own towards the server; its
   * datagrams go out with a PROXY v2 header naming {@code client}, the server's come back bare.
   */
  static final class UdpBalancer implements AutoCloseable {
    private final DatagramSocket front;
    private final byte[] header;
    private final InetSocketAddress server;
    private final Map<SocketAddress, DatagramSocket> backs = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    UdpBalancer(InetSocketAddress listener, String client, int clientPort) throws IOException {
      // The listener's loopback address: replies come from it (the listener may be bound to the
      // wildcard address), which a connected socket must name exactly.
      this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getPort());
      this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      ByteBuffer v2 = ByteBuffer.allocate(16 + 12);
      v2.put(new byte[] {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a});
      v2.put((byte) 0x21).put((byte) 0x12).putShort((short) 12); // PROXY, UDP over IPv4
      v2.put(InetAddress.getByName(client).getAddress()).put(server.getAddress().getAddress());
      v2.putShort((short) clientPort).putShort((short) server.getPort());
      this.header = v2.array();
      start(this::relayFromClients);
    }

    int port() {
      return front.getLocalPort();
    }

    private void start(Runnable loop) {
      Thread thread = new Thread(loop, "udp-balancer");
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }

    private void relayFromClients() {
      byte[] buffer = new byte[65535];
      try {
        while (true) {
          DatagramPacket in = new DatagramPacket(buffer, buffer.length);
          front.receive(in);
          SocketAddress client = in.getSocketAddress();
          DatagramSocket back = backs.computeIfAbsent(client, c -> {
            try {
              DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
              socket.connect(server);
              start(() -> relayFromServer(socket, c));
              return socket;
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
          byte[] out = new byte[header.length + in.getLength()];
          System.arraycopy(header, 0, out, 0, header.length);
          System.arraycopy(in.getData(), in.getOffset(), out, header.length, in.getLength());
          back.send(new DatagramPacket(out, out.length));
        }
      } catch (IOException | IllegalStateException e) {
        // closed
      }
    }

    private void relayFromServer(DatagramSocket back, SocketAddress client) {
      byte[] buffer = new byte[65535];
      try {
        while (true) {
          DatagramPacket in = new DatagramPacket(buffer, buffer.length);
          back.receive(in);
          front.send(new DatagramPacket(in.getData(), in.getOffset(), in.getLength(), client));
        }
      } catch (IOException e) {
        // closed
      }
    }

    @Override
    public void close() {
      front.close();
      backs.values().forEach(DatagramSocket::close);
    }
  }
}
