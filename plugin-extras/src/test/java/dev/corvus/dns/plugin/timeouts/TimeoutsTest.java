package dev.corvus.dns.plugin.timeouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The directive's validation, and its timeouts applied by a real server's TCP listener, seen
 * from a socket: the server closing the connection is the end of the stream. The shortest
 * timeout the directive accepts is 1 s (as CoreDNS), so these tests wait a second or a few; each
 * is chosen so that CoreDNS's default (read 3 s, idle 10 s) would fail it: a read bounded by 5 s
 * tells "closed at 1 s" from "open until 10 s", and a cut after 4.5 s "read 5 s" from "3 s".
 */
class TimeoutsTest {

  private static final int BOUND_MILLIS = 5_000;

  private final PluginTestKit kit = new PluginTestKit();

  @AfterEach
  void closeKit() {
    kit.close();
  }

  @Test
  void theOptionsGivenBecomeTheBlocksListenerTimeouts() throws Exception {
    Plugin plugin = kit.create(new TimeoutsFactory(), "timeouts {\n read 10s\n write 20s\n idle 1m\n maxtcpqueries 128\n}");
    assertEquals(Optional.of(new ListenerTimeouts(Optional.of(Duration.ofSeconds(10)), Optional.of(Duration.ofSeconds(20)),
        Optional.of(Duration.ofMinutes(1)), OptionalInt.of(128))), plugin.listenerTimeouts());
    Plugin idleOnly = kit.create(new TimeoutsFactory(), "timeouts {\n idle 30s\n}");
    ListenerTimeouts timeouts = idleOnly.listenerTimeouts().orElseThrow();
    assertEquals(Duration.ofSeconds(30), timeouts.idleOrDefault());
    // CoreDNS's defaults for what is not given
    assertEquals(Duration.ofSeconds(3), timeouts.readOrDefault());
    assertEquals(Duration.ofSeconds(5), timeouts.writeOrDefault());
    assertEquals(-1, timeouts.maxTcpQueriesOrDefault());
  }

  @Test
  void invalidValuesAreRejected() {
    for (String bad : List.of(
        "timeouts",
        "timeouts 10s",
        "timeouts {\n read 500ms\n}",
        "timeouts {\n idle 25h\n}",
        "timeouts {\n write soon\n}",
        "timeouts {\n maxtcpqueries 0\n}",
        "timeouts {\n maxtcpqueries -2\n}",
        "timeouts {\n read 10s 20s\n}",
        "timeouts {\n linger 10s\n}")) {
      assertThrows(ConfigException.class, () -> kit.create(new TimeoutsFactory(), bad), bad);
    }
    ConfigException tooShort =
        assertThrows(ConfigException.class, () -> kit.create(new TimeoutsFactory(), "timeouts {\n read 500ms\n}"));
    assertTrue(tooShort.getMessage().contains("timeout provided '500ms' needs to be between 1 second and 24 hours"),
        tooShort.getMessage());
  }

  @Test
  void aConnectionIdleLongerThanIdleIsClosed() throws Exception {
    try (Corvus server = server("idle 1s\n  read 20s"); Socket socket = connect(server)) {
      assertEquals(Rcode.NOERROR, exchange(socket, 1).getRcode());
      long answered = System.nanoTime();
      assertEquals(-1, readByte(socket), "the server closed the idle connection");
      long idleMillis = (System.nanoTime() - answered) / 1_000_000;
      assertTrue(idleMillis >= 900, "closed after " + idleMillis + " ms, before the idle timeout");
    }
  }

  @Test
  void aClientThatStallsInTheMiddleOfAQueryIsCutAtRead() throws Exception {
    try (Corvus server = server("read 5s\n  idle 1m"); Socket socket = connect(server)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0, 40, 1, 2, 3}); // a 40-byte message, 3 bytes of it
      out.flush();
      long started = System.nanoTime();
      assertEquals(-1, readByte(socket), "the server cut the stalled query (idle is a minute)");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(millis >= 4500, "cut after " + millis + " ms, before the read timeout of 5 s");
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtRead() throws Exception {
    try (Corvus server = server("read 1s\n  idle 1m"); Socket socket = connect(server)) {
      assertEquals(-1, readByte(socket), "CoreDNS's read timeout bounds the wait for the first query");
    }
  }

  @Test
  void maxTcpQueriesClosesAfterAnsweringThatMany() throws Exception {
    try (Corvus server = server("maxtcpqueries 2"); Socket socket = connect(server)) {
      assertEquals(Rcode.NOERROR, exchange(socket, 1).getRcode());
      assertEquals(Rcode.NOERROR, exchange(socket, 2).getRcode());
      assertEquals(-1, readByte(socket), "closed after the second answer");
    }
  }

  @Test
  void pipelinedQueriesBeyondMaxTcpQueriesAreNotServed() throws Exception {
    try (Corvus server = server("maxtcpqueries 2"); Socket socket = connect(server)) {
      OutputStream out = socket.getOutputStream();
      for (int id = 1; id <= 3; id++) {
        out.write(frame(id));
      }
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertEquals(Rcode.NOERROR, readAnswer(in).getRcode());
      assertEquals(Rcode.NOERROR, readAnswer(in).getRcode());
      assertEquals(-1, readByte(socket), "the third query is not answered; the connection closes");
    }
  }

  @Test
  void withoutTimeoutsAConnectionServesManyQueries() throws Exception {
    String corefile = ".:0 {\n template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start(); Socket socket = connect(server)) {
      for (int id = 1; id <= 20; id++) {
        assertEquals(id, exchange(socket, id).getHeader().getID());
      }
    }
  }

  private static Corvus server(String options) throws Exception {
    String corefile = ".:0 {\n timeouts {\n  " + options + "\n }\n"
        + " template IN A {\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n";
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  private static Socket connect(Corvus server) throws IOException {
    InetSocketAddress address = server.tcpAddress();
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(BOUND_MILLIS);
    return socket;
  }

  private static byte[] frame(int id) {
    Message query = DnsClient.newQuery("example.org.", Type.A);
    query.getHeader().setID(id);
    byte[] wire = query.toWire();
    byte[] framed = new byte[wire.length + 2];
    framed[0] = (byte) (wire.length >> 8);
    framed[1] = (byte) wire.length;
    System.arraycopy(wire, 0, framed, 2, wire.length);
    return framed;
  }

  private static Message exchange(Socket socket, int id) throws IOException {
    socket.getOutputStream().write(frame(id));
    socket.getOutputStream().flush();
    return readAnswer(new DataInputStream(socket.getInputStream()));
  }

  private static Message readAnswer(DataInputStream in) throws IOException {
    byte[] answer = new byte[in.readUnsignedShort()];
    in.readFully(answer);
    return new Message(answer);
  }

  /** The next byte, or -1 at the end of the stream (a reset counts as the end). */
  private static int readByte(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return in.read();
    } catch (SocketException reset) {
      return -1;
    }
  }
}
