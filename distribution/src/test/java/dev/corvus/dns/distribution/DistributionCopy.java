package dev.corvus.dns.distribution;

import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.xbill.DNS.Message;

/**
 * A private copy of the assembled distribution, so a test can fill its {@code plugins/}
 * directory without touching the distribution other tests run; started with its own {@code
 * bin/corvus} as a process. The jars of {@code lib/} are hard-linked where the file system
 * allows it.
 */
final class DistributionCopy {

  private final Path home;

  private DistributionCopy(Path home) {
    this.home = home;
  }

  /** Copies the distribution of {@code corvus.distribution} into {@code target}. */
  static DistributionCopy of(Path target) throws IOException {
    Path source = CorvusProcess.home();
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path file : walk.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else if (file.getParent().getFileName().toString().equals("lib")) {
          linkOrCopy(file, copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return new DistributionCopy(target);
  }

  /** The jars of lib/ are only read: a hard link is as good as a copy, and instant. */
  private static void linkOrCopy(Path file, Path copy) throws IOException {
    try {
      Files.createLink(copy, file);
    } catch (IOException | UnsupportedOperationException differentFileSystem) {
      Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  Path home() {
    return home;
  }

  Path plugins() {
    return home.resolve("plugins");
  }

  /** The jars of {@code lib/} whose file name starts with {@code prefix}. */
  List<Path> libJars(String prefix) throws IOException {
    try (Stream<Path> list = Files.list(home.resolve("lib"))) {
      return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  /** A running {@code bin/corvus}. */
  final class Running implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Running(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    String output() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Whether the process is still alive. */
    boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts {@code bin/corvus ARGS} in {@code workDir}, output going to a log file. */
  Running start(Path workDir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/corvus").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile(workDir, "corvus", ".log");
    Process process = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Running(process, log);
  }

  /** Runs {@code bin/corvus ARGS} to completion; returns its exit code and output. */
  CorvusProcess.Result run(Path workDir, String... args) throws Exception {
    try (Running corvus = start(workDir, args)) {
      if (!corvus.process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("corvus " + String.join(" ", args) + " did not finish");
      }
      return new CorvusProcess.Result(corvus.process.exitValue(), corvus.output());
    }
  }

  /** Queries {@code port} on loopback until an answer arrives (the server may still be starting). */
  static Message awaitAnswer(Running corvus, int port, String name, int type, boolean tcp) throws Exception {
    DnsClient client = new DnsClient(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofMillis(500));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    IOException last = null;
    while (System.nanoTime() < deadline && corvus.isAlive()) {
      try {
        return tcp ? client.tcp(name, type) : client.udp(name, type);
      } catch (IOException e) {
        last = e;
        Thread.onSpinWait();
      }
    }
    throw new AssertionError("no answer on port " + port + "; corvus output:\n" + corvus.output(), last);
  }

  /** Polls {@code http://127.0.0.1:PORT/ready} until it answers 200. */
  static void awaitReady(Running corvus, int port) throws Exception {
    URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && corvus.isAlive()) {
      try {
        HttpURLConnection connection = (HttpURLConnection) ready.toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.setReadTimeout(500);
        int status = connection.getResponseCode();
        connection.disconnect();
        if (status == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // polled again below
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new AssertionError("not ready on port " + port + "; corvus output:\n" + corvus.output());
  }
}
