package dev.corvus.dns.plugin.dnstap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The collector goes away and comes back: queries never wait, and only counted messages are lost. */
class DnstapReconnectTest {

  private static final String WHOAMI = "\n whoami\n}";

  @Test
  void collectorRestartedMidRunGetsWhatWasQueuedAndQueriesNeverStall(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("tap.sock");
    String label = "unix://" + socket;
    FstrmCapture first = FstrmCapture.start(socket, dir.resolve("first.fstrm"));
    List<String> before;
    List<String> after;
    double dropped;
    Corvus server = Corvus.builder().corefile(". {\n bind 127.0.0.1\n dnstap " + socket + " full" + WHOAMI).dnsPort(0).start();
    try {
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.metricValue("corvus_dnstap_connected", label) == 1));
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(10));
      query(client, "before", 5);
      assertTrue(Poll.until(Duration.ofSeconds(10),
          () -> server.metricValue("corvus_dnstap_sent_messages_total", label) == 10));
      before = first.stopAndDecode();
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.metricValue("corvus_dnstap_connected", label) == 0));

      // No collector: every query is still answered, and quickly (a generous bound: the machine is shared).
      long start = System.nanoTime();
      query(client, "gone", 20);
      long goneMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(goneMillis < 5000, "20 queries without a collector took " + goneMillis + " ms");

      try (FstrmCapture second = FstrmCapture.start(socket, dir.resolve("second.fstrm"))) {
        assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.metricValue("corvus_dnstap_connected", label) == 1));
        query(client, "after", 5);
        dropped = server.metricValue("corvus_dnstap_dropped_messages_total", label, "write_error")
            + server.metricValue("corvus_dnstap_dropped_messages_total", label, "queue_full");
        assertTrue(Poll.until(Duration.ofSeconds(10),
            () -> server.metricValue("corvus_dnstap_sent_messages_total", label) >= 60 - dropped - 0.5),
            server.scrapeMetrics());
        server.close(); // STOP and FINISH before the capture ends its file
        after = second.stopAndDecode();
      }
    } finally {
      server.close();
      first.close();
    }
    assertEquals(10, count(before, "before"), String.join("\n", before));
    // What the queue held while no collector was there reaches the second one; at most the
    // frames of a write that failed are lost, and those are counted.
    long gone = count(after, "gone");
    assertEquals(40 - dropped, gone, String.join("\n", after));
    assertTrue(dropped <= 2, "dropped " + dropped);
    assertEquals(10, count(after, "after"), String.join("\n", after));
  }

  @Test
  void tcpCollector(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path file = dir.resolve("tcp.fstrm");
    Process capture =
        new ProcessBuilder("fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-a", "127.0.0.1", "-p", Integer.toString(port),
                "-w", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("capture.log").toFile())
            .start();
    String label = "tcp://127.0.0.1:" + port;
    try (Corvus server =
        Corvus.builder().corefile(". {\n bind 127.0.0.1\n dnstap " + label + " full" + WHOAMI).dnsPort(0).start()) {
      assertTrue(Poll.until(Duration.ofSeconds(15), () -> server.metricValue("corvus_dnstap_connected", label) == 1));
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(10));
      assertEquals(Rcode.NOERROR, client.tcp("over-tcp.example.", Type.TXT).getRcode());
      assertTrue(Poll.until(Duration.ofSeconds(10),
          () -> server.metricValue("corvus_dnstap_sent_messages_total", label) == 2));
    } finally {
      capture.destroy();
      capture.waitFor();
    }
    Process decode = new ProcessBuilder("dnstap-ldns", "-r", file.toString()).redirectErrorStream(true).start();
    List<String> lines = List.of(new String(decode.getInputStream().readAllBytes()).split("\n"));
    decode.waitFor();
    assertEquals(1, FstrmCapture.matching(lines, " CQ ", " TCP ", "\"over-tcp.example.\" IN TXT").size(), lines.toString());
    assertEquals(1, FstrmCapture.matching(lines, " CR ", " TCP ", "\"over-tcp.example.\" IN TXT").size(), lines.toString());
  }

  private static void query(DnsClient client, String prefix, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      assertEquals(Rcode.NOERROR, client.udp(prefix + i + ".example.", Type.A).getRcode());
    }
  }

  private static long count(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.contains("\"" + prefix)).count();
  }
}
