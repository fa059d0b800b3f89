package dev.corvus.dns.plugin.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Queries;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class AsyncLogSinkTest {

  private final PluginTestKit kit = new PluginTestKit();
  private final List<String> written = new CopyOnWriteArrayList<>();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private final Counter.Child dropped =
      kit.metrics().counter(LogFactory.DROPPED_LINES, "test", "server").labels(Queries.SERVER);

  @AfterEach
  void closeKit() {
    kit.close();
  }

  /** A line for {@code name}: its format prints just the name. */
  private static LogFormat.Entry entry(String name) {
    Request request = Queries.request(name, Type.A);
    Message response = Message.newQuery(request.question());
    return LogFormat.parse("{name}").capture(request, 0, response, 0, 0,
        ResponseClass.ResponseType.NOERROR, ResponseClass.SUCCESS);
  }

  private void write(String line) {
    threads.add(Thread.currentThread().getName());
    written.add(line);
  }

  @Test
  void writesEveryLineInOrderOnItsOwnThreadAndDrainsAtClose() {
    AsyncLogSink sink = new AsyncLogSink(this::write, 16, dropped, "log-writer");
    sink.start();
    for (int i = 0; i < 10; i++) {
      sink.submit(entry("q" + i + ".example."));
    }
    sink.close();
    assertEquals(List.of("q0.example.", "q1.example.", "q2.example.", "q3.example.", "q4.example.", "q5.example.",
        "q6.example.", "q7.example.", "q8.example.", "q9.example."), written);
    assertEquals(List.of("log-writer"), threads.stream().distinct().toList());
    assertEquals(0, dropped.get());
  }

  @Test
  void aFullQueueDropsTheLineAndCountsItInsteadOfWaiting() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AsyncLogSink sink = new AsyncLogSink(line -> {
      writing.countDown();
      try {
        release.await(5, TimeUnit.SECONDS); // a destination that stopped taking lines
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(line);
    }, 2, dropped, "log-writer");
    sink.start();
    sink.submit(entry("first.example."));
    assertTrue(writing.await(5, TimeUnit.SECONDS), "the writer took the first line");
    sink.submit(entry("queued1.example."));
    sink.submit(entry("queued2.example."));
    sink.submit(entry("dropped.example.")); // the queue of 2 is full: never blocks the caller
    assertEquals(1, dropped.get());
    assertEquals(1, kit.metricValue(LogFactory.DROPPED_LINES, Queries.SERVER));
    release.countDown();
    sink.close();
    assertEquals(List.of("first.example.", "queued1.example.", "queued2.example."), written);
  }

  @Test
  void linesAfterCloseAreDroppedAndCounted() {
    AsyncLogSink sink = new AsyncLogSink(this::write, 4, dropped, "log-writer");
    sink.start();
    sink.close();
    sink.submit(entry("late.example."));
    assertEquals(List.of(), written);
    assertEquals(1, dropped.get());
  }

  @Test
  void aSinkNeverStartedWritesItsQueueAtClose() {
    AsyncLogSink sink = new AsyncLogSink(this::write, 4, dropped, "log-writer");
    sink.submit(entry("early.example."));
    sink.close();
    assertEquals(List.of("early.example."), written);
  }

  @Test
  void thePluginExportsItsDroppedLinesCounterAndDrainsItsSinkAtStop() throws Exception {
    Plugin plugin = kit.create(new LogFactory(), "log");
    plugin.start();
    Request request = Queries.request("example.org.", Type.A);
    Message response = kit.handle(plugin, request, PluginTestKit.nxdomain());
    PluginTestKit.written(request, response);
    plugin.stop(); // drains: the line went to the log, not to the dropped count
    assertEquals(Rcode.NXDOMAIN, response.getRcode());
    assertEquals(0, kit.metricValue(LogFactory.DROPPED_LINES, Queries.SERVER));
    assertEquals(1, kit.scrape().samples(LogFactory.DROPPED_LINES).size(), "exported at 0 for alerts");
  }
}
