package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testkit.Queries;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Timed loops over the cache-hit path, run on demand only:
 * {@code mvn -o -q -pl plugin-cache verify -Dcorvus.bench=true -Dtest=CacheHitBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. Results go to the test's output file.
 */
@EnabledIfSystemProperty(named = "corvus.bench", matches = "true")
class CacheHitBenchmarkTest {

  private static final String NAME = "www.example.org.";
  private static final int ROUNDS = 8;
  private static final int PER_ROUND = 100_000;

  @Test
  void inProcessHitPath() throws Exception {
    HandlerHarness h = new HandlerHarness("cache");
    h.upstream.answer(NAME, Type.A, request -> {
      Message m = Answers.a(300, "192.0.2.1").apply(request);
      for (int i = 2; i <= 4; i++) {
        m.addRecord(record(request.qname(), "192.0.2." + i), Section.ANSWER);
      }
      return m;
    });
    Message query = DnsClient.newQuery(NAME, Type.A);
    byte[] queryWire = query.toWire();
    h.ask(query);
    Request request = Queries.request(query);
    Message template = h.ask(query);

    java.util.Map<String, java.util.function.Supplier<Object>> ops = new java.util.LinkedHashMap<>();
    CachedAnswer cached = CachedAnswer.encode(template, ResponseKind.NO_ERROR, 0, 300);
    ops.put("render: records built, stored wire patched", () -> cached.render(request, 300, true));
    ops.put("request + chain plumbing only (no cache)", () -> Queries.request(query));
    ops.put("handler hit", () -> h.send(query).toCompletableFuture().join());
    ops.put("handler hit + encode reply", () -> h.send(query).toCompletableFuture().join().toWire(1232));
    ops.put("parse query + handler hit + encode reply", () -> {
      try {
        return h.send(new Message(queryWire)).toCompletableFuture().join().toWire(1232);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    ops.put("alternative: rebuild Message with new TTL records + encode", () -> rebuild(template, request, 250).toWire(1232));
    byte[] templateWire = template.toWire();
    ops.put("alternative: copy whole response wire, patch ID, parse + encode", () -> {
      byte[] copy = templateWire.clone();
      copy[0] = (byte) (request.id() >>> 8);
      copy[1] = (byte) request.id();
      try {
        return new Message(copy).toWire(1232);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    ops.put("encode reply only (server's share)", () -> template.toWire(1232));
      benchmark(ops);
  }

  @Test
  void overUdpSockets() throws Exception {
    ScriptedUpstream upstream = new ScriptedUpstream();
    String name = "b" + UUID.randomUUID().toString().replace("-", "");
    ScriptedUpstream.REGISTRY.put(name, upstream);
    upstream.answer(NAME, Type.A, Answers.a(3600, "192.0.2.1"));
    try (Corvus server =
        Corvus.builder().corefile(".:0 {\n cache\n testupstream " + name + "\n}\n").dnsPort(0).start()) {
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
    } finally {
      ScriptedUpstream.REGISTRY.remove(name);
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

  private static Message rebuild(Message template, Request request, long ttl) {
    Message reply = new Message(request.id());
    reply.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    reply.addRecord(request.question(), Section.QUESTION);
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : template.getSection(section)) {
        reply.addRecord(
            Record.newRecord(r.getName(), r.getType(), r.getDClass(), ttl, r.rdataToWireCanonical()), section);
      }
    }
    return reply;
  }

  private static Record record(Name name, String address) {
    try {
      return new ARecord(name, DClass.IN, 300, java.net.InetAddress.getByName(address));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Runs the operations round-robin in several rounds and reports each one's best round, so
   * that load from other processes on a shared machine distorts the comparison less.
   */
  private static void benchmark(java.util.Map<String, java.util.function.Supplier<Object>> ops) {
    java.util.Map<String, Double> best = new java.util.LinkedHashMap<>();
    Object sink = null;
    for (int round = 0; round < ROUNDS; round++) {
      for (java.util.Map.Entry<String, java.util.function.Supplier<Object>> op : ops.entrySet()) {
        long start = System.nanoTime();
        for (int i = 0; i < PER_ROUND; i++) {
          sink = op.getValue().get();
        }
        double nanos = (double) (System.nanoTime() - start) / PER_ROUND;
        if (round > 0) { // the first round is warm-up
          best.merge(op.getKey(), nanos, Math::min);
        }
      }
    }
    for (java.util.Map.Entry<String, Double> result : best.entrySet()) {
      System.out.printf(Locale.ROOT, "%-66s %6.0f ns/op%n", result.getKey(), result.getValue());
    }
    System.out.println("(last result: " + sink.getClass().getSimpleName() + ")");
  }
}
