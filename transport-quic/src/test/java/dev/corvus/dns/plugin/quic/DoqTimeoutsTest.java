package dev.corvus.dns.plugin.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.peers.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The {@code timeouts} of a {@code quic://} block, as CoreDNS applies them to DoQ: {@code idle} is
 * the QUIC idle timeout the server advertises, {@code read} bounds a stream's query.
 */
class DoqTimeoutsTest {

  @TempDir
  Path dir;

  private Corvus server(String timeouts) throws Exception {
    Peers.certificate(dir);
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        quic://.:0 {
            tls cert.pem key.pem
            timeouts {
                %s
            }
            whoami
        }
        """.formatted(timeouts));
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  @Test
  void anIdleConnectionEndsAtTheBlocksIdleTimeout() throws Exception {
    try (Corvus server = server("idle 1s"); QuicTestClient client = QuicTestClient.connect(
        server.listeners().get(0).stream(), "doq")) {
      QuicTestClient.DoqStreamHandle stream = client.openDoq();
      stream.query(DoqListenerTest.query("whoami.", Type.A, 0));
      assertEquals(Rcode.NOERROR, new Message(stream.message()).getRcode());
      long answered = System.nanoTime();
      // The client's own idle timeout is 10 s and the default 10 s: an end within 6 s is the
      // server's 1 s, which QUIC takes as the lower of both sides' (RFC 9000 §10.1).
      client.closedWith.get(6, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - answered) / 1_000_000;
      assertTrue(millis >= 900, "ended after " + millis + " ms, before the idle timeout");
    }
  }

  @Test
  void aStalledStreamEndsTheConnectionAtTheBlocksReadTimeout() throws Exception {
    try (Corvus server = server("read 5s\n                idle 1m"); QuicTestClient client = QuicTestClient.connect(
        server.listeners().get(0).stream(), "doq")) {
      QuicTestClient.DoqStreamHandle stalled = client.openDoq();
      stalled.send(new byte[] {0, 40}, false);
      long started = System.nanoTime();
      assertEquals(0x2, client.closedWith.get(15, TimeUnit.SECONDS), "DOQ_PROTOCOL_ERROR");
      long millis = (System.nanoTime() - started) / 1_000_000;
      // 5 s, not the default 3 s
      assertTrue(millis >= 4500, "ended after " + millis + " ms, before the read timeout");
    }
  }
}
