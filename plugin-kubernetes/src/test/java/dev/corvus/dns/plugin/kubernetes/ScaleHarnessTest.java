package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Scale benchmark (run with {@code -Dgroups=scale}): 10,000 Services and 50,000 endpoint addresses
 * in the mock API server, a Corvus server in its own JVM reading them through its informers, and
 * unbound answering the same names from {@code local-data}. Prints time to ready, RSS, heap live
 * set after a full GC and QPS of both servers for Service A lookups.
 */
@Tag("scale")
class ScaleHarnessTest {

  private static final int NAMESPACES = 100;
  private static final int SERVICES_PER_NAMESPACE = 100;
  private static final int ENDPOINTS_PER_SERVICE = 5;
  private static final int LOAD_THREADS = 4;
  private static final long LOAD_MILLIS = 5000;

  private static String serviceName(int ns, int svc) {
    return "svc-" + svc + ".ns-" + ns + ".svc.cluster.local.";
  }

  private static String clusterIp(int ns, int svc) {
    return "10.100." + ns + "." + svc;
  }

  @Test
  void tenThousandServicesFiftyThousandEndpoints(@TempDir Path dir) throws Exception {
    try (MockApiServer api = new MockApiServer()) {
      long loadStart = System.nanoTime();
      load(api.client());
      System.out.printf("SCALE loaded %d services, %d endpoint addresses into the mock API server in %d ms%n",
          NAMESPACES * SERVICES_PER_NAMESPACE, NAMESPACES * SERVICES_PER_NAMESPACE * ENDPOINTS_PER_SERVICE,
          (System.nanoTime() - loadStart) / 1_000_000);

      Path corefile = dir.resolve("Corefile");
      Files.writeString(corefile, ".:0 {\n  kubernetes cluster.local {\n    endpoint " + api.url()
          + "\n    startup_timeout 300s\n  }\n}\n");
      ProcessBuilder serverBuilder = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-Xss256k", "-XX:ReservedCodeCacheSize=48m",
              "-XX:MaxDirectMemorySize=32m", "-Dio.netty.allocator.numDirectArenas=1",
              "-Dio.netty.allocator.numHeapArenas=1",
              "-cp", isolatedClassPath(dir),
              ScaleServerMain.class.getName(), corefile.toString())
          .redirectError(dir.resolve("server.log").toFile());
      // glibc's per-thread malloc arenas are most of a JVM's RSS overhead beyond the heap.
      serverBuilder.environment().put("MALLOC_ARENA_MAX", "2");
      Process server = serverBuilder.start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertTrue(ready != null && ready.startsWith("READY "), () -> "server said " + ready + "; log: " + log(dir));
        Map<String, String> fields = fields(ready);
        int port = Integer.parseInt(fields.get("port"));
        System.out.printf("SCALE corvus time to ready %s ms, heap after full GC %.1f MB, RSS %.1f MB%n",
            fields.get("readyMillis"), Long.parseLong(fields.get("heapBytes")) / 1e6, rssMb(server.pid()));

        InetSocketAddress corvus = new InetSocketAddress("127.0.0.1", port);
        assertEquals(Rcode.NOERROR, awaitAnswer(corvus).getRcode());
        double corvusQps = qps(corvus);
        double rssAfterLoad = rssMb(server.pid());
        Writer in = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);
        in.write("gc\n");
        in.flush();
        String heapLine = out.readLine();
        System.out.printf("SCALE corvus %.0f QPS (%d threads), RSS after load %.1f MB, %s%n", corvusQps, LOAD_THREADS, rssAfterLoad, heapLine);

        double floorQps = trivialServerQps(dir);
        System.out.printf("SCALE same server with a one-line handler instead of kubernetes: %.0f QPS%n", floorQps);
        double unboundQps = unboundQps(dir);
        double sizing = ((NAMESPACES * SERVICES_PER_NAMESPACE) / 1000.0 + 54) * 1.5;
        System.out.printf("SCALE unbound %.0f QPS; corvus/unbound %.2f; CoreDNS sizing x1.5 = %.0f MB%n",
            unboundQps, unboundQps > 0 ? corvusQps / unboundQps : Double.NaN, sizing);
      } finally {
        server.getOutputStream().close();
        server.destroy();
        server.waitFor();
      }
    }
  }

  private static void load(KubernetesClient client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int ns = 0; ns < NAMESPACES; ns++) {
        int n = ns;
        Fixtures.namespace(client, "ns-" + n, Map.of());
        done.add(pool.submit(() -> {
          for (int svc = 0; svc < SERVICES_PER_NAMESPACE; svc++) {
            Service service = Fixtures.clusterIp("ns-" + n, "svc-" + svc, List.of(clusterIp(n, svc)), Map.of(),
                Fixtures.port("http", "TCP", 80));
            Fixtures.create(client, service);
            Fixtures.Ep[] eps = new Fixtures.Ep[ENDPOINTS_PER_SERVICE];
            for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
              eps[e] = Fixtures.ep("10." + (128 + n % 100) + "." + svc + "." + e, null, null, true);
            }
            EndpointSlice slice = Fixtures.slice("ns-" + n, "svc-" + svc, "svc-" + svc + "-x", "IPv4",
                List.of(Fixtures.port("http", "TCP", 8080)), eps);
            Fixtures.create(client, slice);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Queries random Service names from {@link #LOAD_THREADS} sockets, one outstanding each, after a
   * warm-up run of the same length (so that the JIT has compiled the path being measured).
   */
  private static double qps(InetSocketAddress target) throws Exception {
    measureQps(target);
    return measureQps(target);
  }

  private static double measureQps(InetSocketAddress target) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(LOAD_THREADS);
    AtomicLong answered = new AtomicLong();
    long end = System.nanoTime() + LOAD_MILLIS * 1_000_000;
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < LOAD_THREADS; t++) {
      done.add(pool.submit(() -> {
        try (DatagramSocket socket = new DatagramSocket()) {
          socket.setSoTimeout(1000);
          byte[] buffer = new byte[512];
          int id = 0;
          while (System.nanoTime() < end) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            Message q = Message.newQuery(Record.newRecord(
                Name.fromString(serviceName(r.nextInt(NAMESPACES), r.nextInt(SERVICES_PER_NAMESPACE))), Type.A, DClass.IN));
            q.getHeader().setID(id = (id + 1) & 0xffff);
            byte[] wire = q.toWire();
            socket.send(new DatagramPacket(wire, wire.length, target));
            try {
              socket.receive(new DatagramPacket(buffer, buffer.length));
              answered.incrementAndGet();
            } catch (SocketTimeoutException e) {
              // a lost datagram: not counted
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    return answered.get() * 1000.0 / LOAD_MILLIS;
  }

  /** The server's own ceiling on this machine: the test-only {@code handed_on} answers every A. */
  private static double trivialServerQps(Path dir) throws Exception {
    Path corefile = dir.resolve("Corefile.trivial");
    Files.writeString(corefile, ".:0 {\n  handed_on\n}\n");
    Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", "-Xmx128m", "-cp", isolatedClassPath(dir),
            ScaleServerMain.class.getName(), corefile.toString())
        .redirectError(dir.resolve("trivial.log").toFile())
        .start();
    try {
      String ready = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(fields(ready).get("port")));
      awaitAnswer(target);
      return qps(target);
    } finally {
      process.getOutputStream().close();
      process.destroy();
      process.waitFor();
    }
  }

  private static double unboundQps(Path dir) throws Exception {
    Path unbound = Path.of("/usr/sbin/unbound");
    if (!Files.isExecutable(unbound)) {
      System.out.println("SCALE unbound not installed; no comparison");
      return 0;
    }
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    StringBuilder conf = new StringBuilder();
    conf.append("server:\n  interface: 127.0.0.1\n  port: ").append(port).append('\n')
        .append("  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"").append(dir).append("\"\n")
        .append("  pidfile: \"\"\n  use-syslog: no\n  logfile: \"\"\n  num-threads: 2\n  do-ip6: no\n")
        .append("  access-control: 127.0.0.0/8 allow\n  local-zone: \"cluster.local.\" static\n");
    for (int ns = 0; ns < NAMESPACES; ns++) {
      for (int svc = 0; svc < SERVICES_PER_NAMESPACE; svc++) {
        conf.append("  local-data: \"").append(serviceName(ns, svc)).append(" 5 IN A ").append(clusterIp(ns, svc)).append("\"\n");
      }
    }
    Path file = dir.resolve("unbound.conf");
    Files.writeString(file, conf);
    Process process = new ProcessBuilder(unbound.toString(), "-d", "-c", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
    try {
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
      assertEquals(Rcode.NOERROR, awaitAnswer(target).getRcode(), () -> "unbound.log in " + dir);
      double qps = qps(target);
      System.out.printf("SCALE unbound RSS %.1f MB%n", rssMb(process.pid()));
      return qps;
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  /** The first answer of a server that is just starting (polls with a deadline). */
  private static Message awaitAnswer(InetSocketAddress target) throws IOException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      try {
        return query(target, serviceName(7, 42));
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static Message query(InetSocketAddress target, String name) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(500);
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
      byte[] wire = q.toWire();
      socket.send(new DatagramPacket(wire, wire.length, target));
      byte[] buffer = new byte[512];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
    }
  }

  private static double rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /**
   * The test class path with the Corvus jars copied aside, so that a re-install of a snapshot into
   * the local repository during the long run cannot change classes under the running server.
   */
  private static String isolatedClassPath(Path dir) throws IOException {
    List<String> entries = new ArrayList<>();
    Path jars = Files.createDirectories(dir.resolve("jars"));
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && path.getFileName().toString().startsWith("dns-")) {
        Path copy = jars.resolve(path.getFileName());
        Files.copy(path, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> map = new java.util.HashMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        map.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return map;
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
