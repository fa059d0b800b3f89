package dev.corvus.dns.plugin.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.plugin.testing.TestAnswerFactory;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.MetricsText;
import dev.corvus.dns.testkit.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The reload directive on a real Corefile file, under steady query load. */
class ReloadIntegrationTest {

  private static final String COREFILE = """
      . {
        bind 127.0.0.1
        reload 2s 0s
        test_answer TXT %s
      }
      """;

  @TempDir Path dir;

  @Test
  void changedCorefileIsReloadedWithoutLosingAQueryAndABrokenOneIsRejected() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile"), COREFILE.formatted("v1"));
    try (Corvus server =
        Corvus.builder().corefile(corefile).dnsPort(Http.freePort()).plugin(new TestAnswerFactory()).start()) {
      DnsClient client = new DnsClient(server.udpAddress(), Duration.ofSeconds(2));
      Set<String> answers = ConcurrentHashMap.newKeySet();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread load = new Thread(() -> {
        // Bounded: stops when told or after 30 s.
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (running.get() && System.nanoTime() < end) {
          try {
            sent.incrementAndGet();
            Message m = client.udp("q.example.", Type.TXT);
            if (m.getRcode() != Rcode.NOERROR) {
              failures.add(Rcode.string(m.getRcode()));
            } else {
              answers.add(text(m));
            }
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      });
      load.start();
      try {
        assertEquals("v1", text(client.udp("first.example.", Type.TXT)));

        Files.writeString(corefile, COREFILE.formatted("v2"));
        assertTrue(Poll.until(Duration.ofSeconds(10), () -> answers.contains("v2")), "reloaded to v2");

        Files.writeString(corefile, COREFILE.formatted("v3") + "\nexample.org {\n no_such_directive\n}\n");
        assertTrue(Poll.until(Duration.ofSeconds(10),
            () -> MetricsText.parse(server.scrapeMetrics()).sum("coredns_reload_failed_total", Map.of()) == 1),
            "the broken Corefile counted as a failed reload");
        assertEquals("v2", text(client.udp("after.example.", Type.TXT)), "the old configuration keeps serving");
      } finally {
        running.set(false);
        load.join();
      }
      assertEquals(List.of(), failures, "no query lost or failed during reloads");
      assertEquals(Set.of("v1", "v2"), answers);
      assertTrue(sent.get() > 20, "load was steady: " + sent.get());
    }
  }

  private static String text(Message m) {
    return ((TXTRecord) m.getSection(Section.ANSWER).get(0)).getStrings().get(0);
  }
}
