package dev.corvus.dns.testkit.peers;

import dev.corvus.dns.testkit.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd (Debian's {@code etcd-server}) on loopback, its data in a temporary directory, and
 * {@code etcdctl} to change it, as an operator would. It can be stopped and started again on the
 * same ports and data.
 */
public final class Etcd implements AutoCloseable {

  private final Path dataDir;
  private final Path log;
  private final int clientPort;
  private final int peerPort;
  private final String scheme;
  private final List<String> serverArgs;
  private final List<String> clientArgs;
  private Process process;

  /** An etcd without TLS or authentication, started. */
  public Etcd() throws IOException, InterruptedException {
    this("http", List.of(), List.of());
  }

  /**
   * An etcd with extra options (TLS files), whose etcdctl calls carry {@code clientArgs}.
   *
   * @param scheme {@code http} or {@code https}
   * @param serverArgs options added to etcd's command line
   * @param clientArgs options added to every etcdctl call
   */
  public Etcd(String scheme, List<String> serverArgs, List<String> clientArgs) throws IOException, InterruptedException {
    this.dataDir = Files.createTempDirectory("etcd-");
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.clientPort = Peers.freePort();
    this.peerPort = Peers.freePort();
    this.scheme = scheme;
    this.serverArgs = List.copyOf(serverArgs);
    this.clientArgs = new ArrayList<>(clientArgs);
    start();
  }

  /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return scheme + "://127.0.0.1:" + clientPort;
  }

  /** From now on etcdctl authenticates with these arguments too (after {@code auth enable}). */
  public void authenticateWith(String... args) {
    clientArgs.addAll(List.of(args));
  }

  /** Starts etcd (again) and waits until it answers. */
  public void start() throws IOException, InterruptedException {
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new ArrayList<>(List.of("etcd",
        "--name", "corvus-test",
        "--data-dir", dataDir.toString(),
        "--listen-client-urls", url(),
        "--advertise-client-urls", url(),
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "corvus-test=" + peer,
        "--log-level", "warn"));
    command.addAll(serverArgs);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    boolean up = Poll.until(Duration.ofSeconds(30), () -> process.isAlive() && answers());
    if (!up) {
      throw new IOException("etcd did not start on " + url() + ":\n" + Files.readString(log));
    }
  }

  /** Kills etcd (SIGKILL, as a crash) and waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private boolean answers() {
    try {
      return etcdctl("endpoint", "health").contains("is healthy");
    } catch (IOException e) {
      return false;
    }
  }

  /** Puts {@code key} with {@code value}. */
  public void put(String key, String value) throws IOException {
    etcdctl("put", key, value);
  }

  /** Deletes {@code key}. */
  public void delete(String key) throws IOException {
    etcdctl("del", key);
  }

  /** Grants a lease of {@code seconds} and returns its id (hex, as etcdctl prints it). */
  public String grantLease(long seconds) throws IOException {
    String out = etcdctl("lease", "grant", Long.toString(seconds));
    // "lease 694d7a4c7d1e1a0b granted with TTL(60s)"
    return out.trim().split("\\s+")[1];
  }

  /** Puts {@code key} with {@code value}, attached to {@code lease}. */
  public void putWithLease(String key, String value, String lease) throws IOException {
    etcdctl("put", "--lease=" + lease, key, value);
  }

  /** Runs etcdctl against this etcd and returns what it printed; fails unless it exits with 0. */
  public String etcdctl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + url(), "--dial-timeout=2s",
        "--command-timeout=5s"));
    command.addAll(clientArgs);
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

  /** Whether the client port accepts connections. */
  public boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPort), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(log);
  }
}
