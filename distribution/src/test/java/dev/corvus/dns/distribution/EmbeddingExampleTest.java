package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The README's embedding example, run as written (DocumentationTest keeps the two the same). */
class EmbeddingExampleTest {

  @Test
  void theReadmeExampleStartsAServerAndIsAnswered() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      // README begin
      try (Corvus server = Corvus.builder().corefile(".:0 {\n    whoami\n}\n").start()) {
        Message answer = new DnsClient(server.udpAddress()).udp("example.org.", Type.A);
        System.out.println(answer.getSection(Section.ADDITIONAL));
      }
      // README end
    } finally {
      System.setOut(stdout);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("example.org."), output);
    assertTrue(output.contains("_udp.example.org."), "whoami's SRV record: " + output);
    assertEquals(1, output.lines().count(), output);
  }
}
