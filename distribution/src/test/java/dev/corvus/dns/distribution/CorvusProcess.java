package dev.corvus.dns.distribution;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The assembled distribution started as a process, exactly as its entry point starts it. */
final class CorvusProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private CorvusProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Path home() {
    return Path.of(System.getProperty("corvus.distribution"));
  }

  /** Starts {@code bin/corvus ARGS}, its output going to a log file. */
  static CorvusProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, Map.of(), args);
  }

  /** Starts {@code bin/corvus ARGS} with {@code environment} added to this process's environment. */
  static CorvusProcess start(Path workDir, Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home().resolve("bin/corvus").toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile(workDir, "corvus", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new CorvusProcess(builder.start(), log);
  }

  /** Runs {@code bin/corvus ARGS} to completion and returns its exit code and output. */
  static Result run(Path workDir, String... args) throws Exception {
    try (CorvusProcess corvus = start(workDir, args)) {
      if (!corvus.process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("corvus " + String.join(" ", args) + " did not finish");
      }
      return new Result(corvus.process.exitValue(), corvus.output());
    }
  }

  /** Exit code and output of a finished command. */
  record Result(int status, String output) {}

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  Process process() {
    return process;
  }

  /** Sends SIGTERM and waits for the process to end; returns its exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      close();
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    // bin/corvus stays the JVM's parent on a first start that writes the class archive: a
    // SIGKILL to it alone would leave the JVM running
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** A port free for both UDP and TCP on loopback at the time of the call. */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0)) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(port)) {
          return udp.getLocalPort();
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no free port");
  }
}
