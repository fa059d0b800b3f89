package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd plugin as the distribution ships it (plugins/etcd/, its own class loader and
 * libraries) against a real etcd, queried with dig over UDP and TCP: keys put with etcdctl are
 * answered, an etcd crash is served from the last view, and the watch catches up after a restart.
 */
class EtcdIT {

  @Test
  void theShippedPluginServesEtcdRecordsThroughAnOutage(@TempDir Path dir) throws Exception {
    try (Stream<Path> lib = Files.list(CorvusProcess.home().resolve("lib"))) {
      List<String> leaked = lib.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("jetcd") || n.startsWith("vertx")).toList();
      assertTrue(leaked.isEmpty(), "etcd's libraries stay out of lib/: " + leaked);
    }
    assertTrue(Files.isRegularFile(CorvusProcess.home().resolve("plugins/etcd/plugin-etcd-0.1.0-SNAPSHOT.jar")));
    // its own gRPC (jetcd's), beside the one in lib/ that the grpc modules use
    try (Stream<Path> own = Files.list(CorvusProcess.home().resolve("plugins/etcd/lib"))) {
      assertTrue(own.anyMatch(p -> p.getFileName().toString().startsWith("grpc-core-")));
    }

    Etcd etcd = new Etcd(dir.resolve("etcd"));
    try {
      etcd.ctl("put", "/skydns/test/skydns/www", "{\"host\":\"10.0.0.1\",\"ttl\":60}");
      etcd.ctl("put", "/skydns/test/skydns/api/a", "{\"host\":\"10.0.0.2\",\"port\":8080}");
      int port = CorvusProcess.freePort();
      Path corefile = Files.writeString(dir.resolve("Corefile"),
          "skydns.test:" + port + " {\n    etcd {\n        endpoint " + etcd.url + "\n    }\n}\n");
      CorvusProcess.Result plugins = CorvusProcess.run(dir, "plugins");
      assertTrue(plugins.output().lines().anyMatch(l -> l.contains(" etcd ") && l.contains("plugins/etcd")),
          plugins.output());
      try (CorvusProcess corvus = CorvusProcess.start(dir, "-conf", corefile.toString())) {
        assertEquals("10.0.0.1", Dig.await(port, "www.skydns.test", "A", "+short", "10.0.0.1"));
        assertEquals("10.0.0.1", Dig.query(port, "www.skydns.test", "A", "+short", "+tcp"));
        assertEquals("10 100 8080 a.api.skydns.test.", Dig.query(port, "api.skydns.test", "SRV", "+short", "+tcp"));
        assertTrue(Dig.query(port, "nope.skydns.test", "A").contains("status: NXDOMAIN"));

        etcd.ctl("put", "/skydns/test/skydns/new", "{\"host\":\"10.0.0.3\"}");
        assertEquals("10.0.0.3", Dig.await(port, "new.skydns.test", "A", "+short", "10.0.0.3"));

        etcd.kill();
        assertEquals("10.0.0.1", Dig.query(port, "www.skydns.test", "A", "+short"));
        assertEquals("10.0.0.1", Dig.query(port, "www.skydns.test", "A", "+short", "+tcp"));

        etcd.start();
        etcd.ctl("del", "/skydns/test/skydns/www");
        Dig.await(port, "www.skydns.test", "A", "", "status: NXDOMAIN");
        String log = corvus.output();
        assertTrue(log.contains("etcd: loaded 2 keys under /skydns/"), log);
        assertTrue(!log.contains("Exception in"), log);
      }
    } finally {
      etcd.kill();
    }
  }

  /** A real etcd on loopback that can crash and come back on the same ports and data. */
  private static final class Etcd {
    final Path data;
    final String url;
    final String peer;
    Process process;

    Etcd(Path data) throws Exception {
      this.data = data;
      this.url = "http://127.0.0.1:" + port();
      this.peer = "http://127.0.0.1:" + port();
      start();
    }

    void start() throws Exception {
      process = new ProcessBuilder("etcd", "--name", "it", "--data-dir", data.toString(), "--listen-client-urls", url,
          "--advertise-client-urls", url, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
          "--initial-cluster", "it=" + peer, "--log-level", "warn")
          .redirectErrorStream(true).redirectOutput(data.resolveSibling("etcd.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!ctlQuietly("endpoint", "health").contains("is healthy")) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IOException("etcd did not start: " + Files.readString(data.resolveSibling("etcd.log")));
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }

    private String ctlQuietly(String... args) {
      try {
        return ctl(args);
      } catch (IOException | InterruptedException e) {
        return "";
      }
    }

    String ctl(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + url, "--dial-timeout=2s"));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("ETCDCTL_API", "3");
      Process ctl = builder.start();
      String out = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ctl.waitFor(20, TimeUnit.SECONDS) || ctl.exitValue() != 0) {
        throw new IOException("etcdctl " + String.join(" ", args) + ": " + out);
      }
      return out;
    }

    private static int port() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }
  }
}
