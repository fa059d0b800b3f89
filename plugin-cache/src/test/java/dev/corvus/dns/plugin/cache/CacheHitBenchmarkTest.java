package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.xbill.DNS.Type;

/**
 * The cache-hit path measured on demand only: JMH on {@link CacheHitBenchmark} (the inner loop)
 * and sequential UDP clients against a served cache:
 * {@code mvn -o -q -pl plugin-cache verify -Dcorvus.bench=true -Dtest=CacheHitBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. Results go to the test's output file.
 */
@EnabledIfSystemProperty(named = "corvus.bench", matches = "true")
class CacheHitBenchmarkTest {

  private static final String NAME = "www.example.org.";

  @Test
  void jmhHitPath() throws Exception {
    Options options = new OptionsBuilder()
        .include(CacheHitBenchmark.class.getName())
        .forks(1)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .build();
    for (RunResult result : new Runner(options).run()) {
      System.out.printf(Locale.ROOT, "%-70s %8.1f ± %.1f ns/op%n", result.getParams().getBenchmark(),
          result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError());
    }
  }

  @Test
  void overUdpSockets() throws Exception {
    ScriptedUpstream upstream = new ScriptedUpstream();
    upstream.answer(NAME, Type.A, Answers.a(3600, "192.0.2.1"));
    try (Corvus server = Corvus.builder().corefile(".:0 {\n cache\n testupstream\n}\n").dnsPort(0)
        .plugin(new TestUpstreamFactory(upstream)).start()) {
      InetSocketAddress address = server.udpAddress();
      byte[] query = DnsClient.newQuery(NAME, Type.A).toWire();
      runClients(address, query, 2, 1_000); // warm-up
      for (int clients : new int[] {1, 2, 4}) {
        long[] latencies = runClients(address, query, clients, 3_000);
        Arrays.sort(latencies);
        System.out.printf(
            Locale.ROOT,
            "udp %d clients: %.0f qps, p50 %.1f us, p99 %.1f us, upstream calls %d%n",
            clients,
            latencies.length / 3.0,
            latencies[latencies.length / 2] / 1000.0,
            latencies[(int) (latencies.length * 0.99)] / 1000.0,
            upstream.calls());
      }
    }
  }

  /** Sequential clients, each on its own socket, for {@code millis}; returns every latency in ns. */
  private static long[] runClients(InetSocketAddress server, byte[] query, int clients, long millis) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        results.add(pool.submit(() -> {
          long[] latencies = new long[1 << 20];
          int n = 0;
          try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            socket.setSoTimeout(2000);
            byte[] buffer = new byte[1500];
            DatagramPacket out = new DatagramPacket(query, query.length);
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            long end = System.nanoTime() + millis * 1_000_000L;
            while (System.nanoTime() < end && n < latencies.length) {
              long start = System.nanoTime();
              socket.send(out);
              socket.receive(in);
              latencies[n++] = System.nanoTime() - start;
            }
          }
          return Arrays.copyOf(latencies, n);
        }));
      }
      long[] all = new long[0];
      for (Future<long[]> result : results) {
        long[] part = result.get();
        long[] merged = Arrays.copyOf(all, all.length + part.length);
        System.arraycopy(part, 0, merged, all.length, part.length);
        all = merged;
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }
}
