package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code bin/corvus} as a user runs the tarball: no JAVA_OPTS, no CORVUS_HEAP, serving the kubeadm
 * Corefile of the shipped ConfigMap against a fabric8 mock API server holding {@link DemoCluster}
 * (ports, upstream and a kubeconfig changed as in {@link ClusterDnsIT}). The first start makes the
 * class-data archive (written when the server stops on SIGTERM); every later start maps it. Each
 * start's time to {@code /ready} 200 and RSS is printed ({@code LauncherDefaultsIT:} lines, the
 * issue's targets: under 1 s and 100 MB), {@code -Dstartup.runs=N} measured starts after the first
 * (3 by default). Asserted: ready, the right answer, the archive made once and mapped afterwards,
 * and the flags the launcher derives from limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherDefaultsIT {

  private static final Duration START_DEADLINE = Duration.ofSeconds(90);
  private static final String ZONE = "cluster.local.";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path workDir;
  private Path cdsDir;
  private DemoCluster cluster;
  private UpstreamStub upstream;
  private int dnsPort;
  private int readyPort;
  private Path corefile;

  @BeforeAll
  void startTheCluster() throws Exception {
    workDir = Files.createTempDirectory("launcher-defaults-it");
    cdsDir = workDir.resolve("cds");
    cluster = new DemoCluster();
    upstream = new UpstreamStub();
    dnsPort = CorvusProcess.freePort();
    readyPort = CorvusProcess.freePort();
    String text = ClusterDnsIT.configMapCorefile();
    text = ClusterDnsIT.replaceOnce(text, ".:53 {", ".:" + dnsPort + " {");
    text = ClusterDnsIT.replaceOnce(text, "    health {", "    health 127.0.0.1:" + CorvusProcess.freePort() + " {");
    text = ClusterDnsIT.replaceOnce(text, "    ready\n", "    ready 127.0.0.1:" + readyPort + "\n");
    text = ClusterDnsIT.replaceOnce(text, "prometheus :9153", "prometheus 127.0.0.1:" + CorvusProcess.freePort());
    text = ClusterDnsIT.replaceOnce(text, "forward . /etc/resolv.conf {", "forward . " + upstream.hostAndPort() + " {");
    text = ClusterDnsIT.replaceOnce(text, "       pods insecure\n",
        "       kubeconfig " + cluster.writeKubeconfig(workDir) + "\n       pods insecure\n");
    corefile = Files.writeString(workDir.resolve("Corefile"), text);
  }

  @AfterAll
  void stop() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (workDir != null) {
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  void defaultsServeTheClusterAndMapTheArchiveTheFirstStartMade() throws Exception {
    Start first = start(Map.of());
    print("first start (the class archive is written at exit): %s; %s", first, first.options);
    assertTrue(first.options.contains("-XX:ArchiveClassesAtExit=" + cdsDir), first.options);
    List<Path> archives = archives();
    assertEquals(1, archives.size(), "one archive after the first start stopped: " + archives);
    assertTrue(Files.size(archives.get(0)) > 1_000_000, "the archive holds the server's classes");

    int runs = Integer.getInteger("startup.runs", 3);
    List<Start> starts = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      Start start = start(Map.of());
      assertTrue(start.archiveMapped, "start " + run + " maps " + archives.get(0));
      print("start %d: %s", run, start);
      starts.add(start);
    }
    assertEquals(archives, archives(), "later starts use the archive and make no other");
    long readyMedian = median(starts.stream().map(s -> s.readyMillis).collect(Collectors.toList()));
    long rssMedian = median(starts.stream().map(s -> s.rssKib).collect(Collectors.toList()));
    print("median of %d starts with the archive: ready %d ms (target < 1000: %s), RSS %.1f MiB = %.1f MB"
            + " (target < 100 MB: %s); options %s", runs, readyMedian, readyMedian < 1000 ? "met" : "NOT met",
        rssMedian / 1024.0, rssMedian * 1024 / 1e6, rssMedian * 1024 < 100_000_000 ? "met" : "NOT met",
        starts.get(0).options);
  }

  @Test
  void limitsChooseHeapCompilerAndThreads() throws Exception {
    String small = options(Map.of("CORVUS_MEMORY", "170Mi", "CORVUS_CPUS", "1"));
    for (String flag : List.of("-Xmx54m", "-Xms34m", "-XX:NewRatio=3", "-XX:ActiveProcessorCount=1",
        "-XX:+UseSerialGC", "-XX:-TieredCompilation", "-XX:CICompilerCount=1")) {
      assertTrue((" " + small + " ").contains(" " + flag + " "), flag + " in " + small);
    }
    String large = options(Map.of("CORVUS_MEMORY", "4Gi", "CORVUS_CPUS", "2"));
    assertTrue(large.contains("-Xmx256m -Xms40m"), large);
    assertTrue(large.contains("-XX:ActiveProcessorCount=2"), large);
    assertTrue(!large.contains("TieredCompilation"), "tiered compilation without a small limit: " + large);
    assertTrue(large.contains("-XX:CompileThresholdScaling=3"), "start-up code left to the interpreter: " + large);
    assertTrue(!small.contains("CompileThresholdScaling"), "C2 alone keeps its thresholds: " + small);
    // The user's flags win family by family: their collector, their processor count.
    String user = options(Map.of("CORVUS_MEMORY", "170Mi", "JAVA_OPTS", "-XX:+UseParallelGC -XX:ActiveProcessorCount=3"));
    assertTrue(!user.contains("UseSerialGC") && !user.contains("ActiveProcessorCount=2")
        && !user.contains("ActiveProcessorCount=1"), user);
    // -XX:MaxRAM stands for a limit, as the pod-like tests use it.
    assertTrue(options(Map.of("JAVA_OPTS", "-XX:MaxRAM=170m")).contains("-Xmx54m"));
  }

  /** The options bin/corvus would start the server with (CORVUS_PRINT_OPTS), from a start that fails at once. */
  private String options(Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(CorvusProcess.home().resolve("bin/corvus").toString(), "-conf",
        workDir.resolve("no-such-Corefile").toString()).redirectErrorStream(true);
    clean(builder.environment());
    builder.environment().putAll(environment);
    builder.environment().put("CORVUS_PRINT_OPTS", "1");
    builder.environment().put("CORVUS_CDS", "off");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return output.lines().filter(line -> line.startsWith("corvus: -")).findFirst()
        .orElseThrow(() -> new AssertionError("no options printed:\n" + output)).substring("corvus: ".length());
  }

  private static void clean(Map<String, String> environment) {
    environment.remove("JAVA_OPTS");
    environment.remove("CORVUS_HEAP");
    environment.remove("MALLOC_ARENA_MAX");
  }

  private Start start(Map<String, String> environment) throws Exception {
    Path log = Files.createTempFile(workDir, "corvus", ".log");
    ProcessBuilder builder = new ProcessBuilder(CorvusProcess.home().resolve("bin/corvus").toString(), "-conf",
        corefile.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    clean(builder.environment());
    builder.environment().putAll(environment);
    builder.environment().put("CORVUS_CDS_DIR", cdsDir.toString());
    builder.environment().put("CORVUS_PRINT_OPTS", "1");
    long started = System.nanoTime();
    Process process = builder.start();
    try {
      long readyMillis = awaitReady(process, log, started);
      // The JVM is the launcher itself (exec) or, on the first start, its child.
      long javaPid = javaPid(process);
      long rssKib = status(javaPid, "VmRSS:");
      boolean mapped = Files.readAllLines(Path.of("/proc", Long.toString(javaPid), "maps")).stream()
          .anyMatch(line -> line.contains(cdsDir + "/corvus-") && line.endsWith(".jsa"));
      DnsClient dns = new DnsClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort),
          Duration.ofSeconds(3));
      Message answer = dns.tcp("kubernetes.default.svc." + ZONE, Type.A);
      assertEquals(List.of("10.96.0.1"), answer.getSection(Section.ANSWER).stream()
          .filter(ARecord.class::isInstance).map(r -> ((ARecord) r).getAddress().getHostAddress())
          .collect(Collectors.toList()), answer.toString());
      String options = Files.readAllLines(log).stream().filter(line -> line.startsWith("corvus: -"))
          .findFirst().orElse("").replaceFirst("^corvus: ", "").strip();
      return new Start(readyMillis, rssKib, mapped, options);
    } finally {
      process.destroy(); // SIGTERM, as the kubelet and systemd stop it
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("corvus did not stop on SIGTERM:\n" + Files.readString(log));
      }
    }
  }

  private static long javaPid(Process process) {
    return process.children().filter(child -> child.info().command().orElse("").endsWith("java"))
        .findFirst().map(ProcessHandle::pid).orElse(process.pid());
  }

  private long awaitReady(Process process, Path log, long started) throws Exception {
    URI ready = URI.create("http://127.0.0.1:" + readyPort + "/ready");
    while (System.nanoTime() - started < START_DEADLINE.toNanos()) {
      if (!process.isAlive()) {
        throw new AssertionError("corvus exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
      } catch (IOException notListeningYet) {
        // not bound yet
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // poll interval, as bench/startup.sh
    }
    throw new AssertionError("not ready within " + START_DEADLINE + ":\n" + Files.readString(log));
  }

  private List<Path> archives() throws IOException {
    try (Stream<Path> files = Files.list(cdsDir)) {
      return files.sorted().collect(Collectors.toList());
    }
  }

  private static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
      }
    }
    throw new IOException("no " + field + " for " + pid);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().collect(Collectors.toList());
    return sorted.get(sorted.size() / 2);
  }

  private static void print(String format, Object... args) {
    System.out.printf("LauncherDefaultsIT: " + format + "%n", args);
  }

  private static final class Start {
    final long readyMillis;
    final long rssKib;
    final boolean archiveMapped;
    final String options;

    Start(long readyMillis, long rssKib, boolean archiveMapped, String options) {
      this.readyMillis = readyMillis;
      this.rssKib = rssKib;
      this.archiveMapped = archiveMapped;
      this.options = options;
    }

    @Override
    public String toString() {
      return String.format("ready after %d ms, RSS %.1f MiB at ready%s", readyMillis, rssKib / 1024.0,
          archiveMapped ? ", archive mapped" : "");
    }
  }
}
