package dev.corvus.dns.plugin.dnstap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code fstrm_capture} (package fstrm-bin) listening on a unix socket and writing a
 * Frame Streams file, and {@code dnstap-ldns} (package dnstap-ldns) decoding it.
 */
final class FstrmCapture implements AutoCloseable {

  private final Process process;
  private final Path socket;
  private final Path file;
  private final Path log;

  private FstrmCapture(Process process, Path socket, Path file, Path log) {
    this.process = process;
    this.socket = socket;
    this.file = file;
    this.log = log;
  }

  /** Starts the capture and waits until its socket exists. */
  static FstrmCapture start(Path socket, Path file) throws IOException, InterruptedException {
    Path log = file.resolveSibling(file.getFileName() + ".log");
    Files.deleteIfExists(socket);
    Process process =
        new ProcessBuilder(
                "fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-u", socket.toString(), "-w", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    FstrmCapture capture = new FstrmCapture(process, socket, file, log);
    if (!dev.corvus.dns.testkit.Poll.until(Duration.ofSeconds(10), () -> Files.exists(socket))) {
      capture.close();
      throw new IllegalStateException("fstrm_capture did not open " + socket + ": " + capture.log());
    }
    return capture;
  }

  /** Stops the capture (SIGTERM: it finishes the file) and returns the file's messages as dnstap-ldns prints them. */
  List<String> stopAndDecode() throws IOException, InterruptedException {
    close();
    Process decode = new ProcessBuilder("dnstap-ldns", "-r", file.toString()).redirectErrorStream(true).start();
    String out = new String(decode.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!decode.waitFor(30, TimeUnit.SECONDS) || decode.exitValue() != 0) {
      throw new IllegalStateException("dnstap-ldns failed: " + out);
    }
    return List.of(out.split("\n"));
  }

  /** Every message in full ({@code dnstap-ldns -y}: YAML with the decoded DNS messages). */
  String decodeYaml() throws IOException, InterruptedException {
    Process decode = new ProcessBuilder("dnstap-ldns", "-y", "-r", file.toString()).redirectErrorStream(true).start();
    String out = new String(decode.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    decode.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  Path socket() {
    return socket;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The lines containing every part, the last one as their end (the question). */
  static List<String> matching(List<String> lines, String... parts) {
    List<String> found = new ArrayList<>();
    for (String line : lines) {
      boolean all = line.endsWith(parts[parts.length - 1]);
      for (String part : parts) {
        all &= line.contains(part);
      }
      if (all) {
        found.add(line);
      }
    }
    return found;
  }
}
