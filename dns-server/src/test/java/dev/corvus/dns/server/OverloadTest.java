package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.client.DnsClient;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Faults and floods: the server sheds what it cannot hold and keeps answering what it can. */
class OverloadTest {

  private static final String COREFILE = """
      stuck.:0 {
          never
      }
      .:0 {
          records {
              a.example. 300 IN A 192.0.2.1
          }
      }
      """;

  private static double metric(Corvus server, String name, String... labels) {
    return server.metricValue(name, labels);
  }

  @Test
  void aHandlerThatNeverAnswersGetsServfailAtTheDeadlineAndFreesItsSlot() throws Exception {
    try (Corvus server = Corvus.builder().corefile(COREFILE).dnsPort(0)
        .queryDeadline(Duration.ofMillis(300)).start()) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(3));
      long start = System.nanoTime();
      Message answer = client.udp("x.stuck.", Type.A);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Rcode.SERVFAIL, answer.getRcode());
      assertTrue(elapsedMillis >= 250, "answered at the deadline, not before: " + elapsedMillis);
      assertEquals(1.0, metric(server, "corvus_dns_deadline_exceeded_total"));
      assertTrue(server.scrapeMetrics().contains("corvus_dns_inflight_requests 0.0"), "slot freed");
    }
  }

  @Test
  void aFloodBeyondTheInFlightBoundIsShedWhileMemoryAnswersContinue() throws Exception {
    try (Corvus server = Corvus.builder().corefile(COREFILE).dnsPort(0)
        .queryDeadline(Duration.ofSeconds(2)).maxInFlight(50).start()) {
      try (DatagramSocket flood = new DatagramSocket()) {
        for (int i = 0; i < 500; i++) {
          byte[] wire = DnsClient.newQuery("q" + i + ".stuck.", Type.A).toWire();
          flood.send(new DatagramPacket(wire, wire.length, server.udpAddress()));
        }
        DnsClient client = new DnsClient(server.udpAddress());
        assertEquals(Rcode.NOERROR, client.udp("a.example.", Type.A).getRcode(),
            "answers from memory do not wait in line");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metric(server, "corvus_dns_dropped_requests_total", "overload") < 400
            && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertTrue(metric(server, "corvus_dns_dropped_requests_total", "overload") >= 400,
            "at most 50 held, the rest shed: " + metric(server, "corvus_dns_dropped_requests_total", "overload"));
      }
      Message tcp = new DnsClient(server.tcpAddress()).tcp("a.example.", Type.A);
      assertEquals(Rcode.NOERROR, tcp.getRcode());
    }
  }

  @Test
  void aDeliberateDropUnderLoadIsCountedAsDroppedNotAsShed() throws Exception {
    String corefile = COREFILE + "dropped.:0 {\n    fail drop\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0)
        .queryDeadline(Duration.ofSeconds(5)).maxInFlight(1).start();
        DatagramSocket client = new DatagramSocket()) {
      byte[] stuck = DnsClient.newQuery("held.stuck.", Type.A).toWire();
      client.send(new DatagramPacket(stuck, stuck.length, server.udpAddress()));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!server.scrapeMetrics().contains("corvus_dns_inflight_requests 1.0") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(server.scrapeMetrics().contains("corvus_dns_inflight_requests 1.0"), "the server is at its bound");
      byte[] dropped = DnsClient.newQuery("x.dropped.", Type.A).toWire();
      client.send(new DatagramPacket(dropped, dropped.length, server.udpAddress()));
      while (metric(server, "corvus_dns_dropped_requests_total", "unanswerable") < 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(1.0, metric(server, "corvus_dns_dropped_requests_total", "unanswerable"));
      assertEquals(0.0, metric(server, "corvus_dns_dropped_requests_total", "overload"));
    }
  }

  @Test
  void connectionsThatSendHalfAFrameAreClosedAndServiceGoesOn() throws Exception {
    try (Corvus server = Corvus.builder().corefile(COREFILE).dnsPort(0).start()) {
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          Socket socket = new Socket(server.tcpAddress().getAddress(), server.tcpAddress().getPort());
          socket.getOutputStream().write(new byte[] {0, 40, 1, 2, 3});
          socket.getOutputStream().flush();
          slow.add(socket);
        }
        assertEquals(Rcode.NOERROR, new DnsClient(server.tcpAddress()).tcp("a.example.", Type.A).getRcode());
        Socket first = slow.get(0);
        first.setSoTimeout(10_000);
        InputStream in = first.getInputStream();
        long start = System.nanoTime();
        assertEquals(-1, in.read(), "the server closed the half-written connection");
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis < 9_000, "closed by the frame deadline, not the idle timeout: " + waitedMillis);
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }
}
