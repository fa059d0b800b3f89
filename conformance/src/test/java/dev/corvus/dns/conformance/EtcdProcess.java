package dev.corvus.dns.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (Debian's {@code etcd-server}) on loopback for one conformance server, its data in
 * the server's directory, keys put with {@code etcdctl} as the CoreDNS tests put them with the
 * client.
 */
final class EtcdProcess implements AutoCloseable {

  private final Process process;
  private final String url;

  private EtcdProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static EtcdProcess start(Path dataDir) throws IOException, InterruptedException {
    String url = "http://127.0.0.1:" + freePort();
    String peer = "http://127.0.0.1:" + freePort();
    Path log = dataDir.resolveSibling("etcd.log");
    Process process = new ProcessBuilder("etcd", "--name", "conformance", "--data-dir", dataDir.toString(),
        "--listen-client-urls", url, "--advertise-client-urls", url, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "conformance=" + peer, "--log-level", "warn")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    EtcdProcess etcd = new EtcdProcess(process, url);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited:\n" + Files.readString(log));
      }
      try {
        if (etcd.etcdctl("endpoint", "health").contains("is healthy")) {
          return etcd;
        }
      } catch (IOException notYet) {
        // polled again until the deadline
      }
      if (System.nanoTime() > deadline) {
        etcd.close();
        throw new IOException("etcd did not start on " + url + ":\n" + Files.readString(log));
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  String url() {
    return url;
  }

  void put(String key, String value) throws IOException {
    etcdctl("put", key, value);
  }

  private String etcdctl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + url, "--dial-timeout=2s",
        "--command-timeout=5s"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ETCDCTL_API", "3");
    Process ctl = builder.start();
    String out = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!ctl.waitFor(20, TimeUnit.SECONDS) || ctl.exitValue() != 0) {
        throw new IOException("etcdctl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
