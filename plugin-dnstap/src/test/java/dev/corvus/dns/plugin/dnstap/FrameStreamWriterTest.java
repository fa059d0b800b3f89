package dev.corvus.dns.plugin.dnstap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.server.metrics.PrometheusMetrics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameStreamWriterTest {

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaiting(@TempDir Path dir) {
    PrometheusMetrics metrics = new PrometheusMetrics();
    Path socket = dir.resolve("nobody-listens.sock");
    DnstapConfig config =
        new DnstapConfig(new DnstapConfig.UnixSocket(socket), false, 1 << 20, 3, new byte[0], new byte[0], null);
    FrameStreamWriter writer = new FrameStreamWriter(config, new DnstapMetrics(metrics), Duration.ofHours(1));
    // Not started: nothing takes from the queue, as with a collector that stopped reading.
    for (int i = 0; i < 10; i++) {
      writer.offer(new byte[] {1, 2, 3});
    }
    assertEquals(7, metrics.value("corvus_dnstap_dropped_messages_total", "unix://" + socket, "queue_full"));
  }
}
