package dev.corvus.dns.plugin.dnstap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Corvus's dnstap stream read by real Frame Streams and dnstap readers from Debian. */
class DnstapIntegrationTest {

  @Test
  void fstrmCaptureReceivesClientAndForwarderMessagesThatDnstapLdnsDecodes(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("tap.sock");
    try (FstrmCapture capture = FstrmCapture.start(socket, dir.resolve("tap.fstrm"));
        Corvus upstream = Corvus.builder().corefile(". {\n bind 127.0.0.1\n whoami\n}").dnsPort(0).start()) {
      String label = "unix://" + socket;
      try (Corvus server =
          Corvus.builder()
              .corefile(
                  ". {\n bind 127.0.0.1\n dnstap " + socket + " full {\n  identity tap-test\n  extra \"q={name}\"\n }\n"
                      + " forward . 127.0.0.1:" + upstream.udpAddress().getPort() + "\n}")
              .dnsPort(0)
              .start()) {
        assertTrue(Poll.until(Duration.ofSeconds(10), () -> server.metricValue("corvus_dnstap_connected", label) == 1),
            capture.log());
        DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(10));
        assertEquals(Rcode.NOERROR, client.udp("udp.example.org.", Type.A).getRcode());
        assertEquals(Rcode.NOERROR, client.tcp("tcp.example.org.", Type.AAAA).getRcode());
        // CLIENT_QUERY, FORWARDER_QUERY, FORWARDER_RESPONSE, CLIENT_RESPONSE for each query
        assertTrue(Poll.until(Duration.ofSeconds(10),
            () -> server.metricValue("corvus_dnstap_sent_messages_total", label) >= 8),
            server.scrapeMetrics());
      }
      List<String> lines = capture.stopAndDecode();
      String all = String.join("\n", lines);
      // dnstap-ldns's quiet format: time, type (CQ CR FQ FR), addresses, protocol, size, question
      assertEquals(1, FstrmCapture.matching(lines, " CQ ", "UDP", "\"udp.example.org.\" IN A").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " FQ ", "UDP", "\"udp.example.org.\" IN A").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " FR ", "UDP", "\"udp.example.org.\" IN A").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " CR ", "UDP", "\"udp.example.org.\" IN A").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " CQ ", "TCP", "\"tcp.example.org.\" IN AAAA").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " FQ ", "TCP", "\"tcp.example.org.\" IN AAAA").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " FR ", "TCP", "\"tcp.example.org.\" IN AAAA").size(), all);
      assertEquals(1, FstrmCapture.matching(lines, " CR ", "TCP", "\"tcp.example.org.\" IN AAAA").size(), all);
      String yaml = capture.decodeYaml();
      assertTrue(yaml.contains("identity: \"tap-test\""), yaml);
      assertTrue(yaml.contains("response_port: " + upstream.udpAddress().getPort()), yaml);
      assertTrue(yaml.contains("query_message: |"), yaml); // full
      List<DnstapFile.Entry> entries = DnstapFile.read(dir.resolve("tap.fstrm"));
      assertEquals(8, entries.size());
      assertEquals(4, entries.stream().filter(e -> "q=udp.example.org.".equals(e.extra())).count(), entries.toString());
      assertEquals(4, entries.stream().filter(e -> "q=tcp.example.org.".equals(e.extra())).count(), entries.toString());
    }
  }
}
