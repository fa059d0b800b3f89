package dev.corvus.dns.testkit.peers;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real DNS software from Debian the tests talk to (kdig, dig, delv, NSD, Knot, BIND's dnssec
 * tools), on loopback only. A test whose tool is not installed is skipped saying which package
 * brings it; {@code .ci/run} installs them all.
 */
public final class Peers {

  private Peers() {}

  /** The path of {@code tool} after checking it is installed (else the test is skipped). */
  public static String require(String tool, String debianPackage) {
    for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
      Path path = Path.of(dir, tool);
      if (Files.isExecutable(path)) {
        return path.toString();
      }
    }
    assumeTrue(false, tool + " is not installed (apt-get install " + debianPackage + ")");
    throw new AssertionError("unreachable");
  }

  /** A loopback port free for both UDP and TCP. */
  public static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
        return tcp.getLocalPort();
      } catch (IOException e) {
        // taken over TCP: try another
      }
    }
    throw new IOException("no free port");
  }

  /** What a command printed (stdout and stderr together) and its exit code. */
  public record Output(int exitCode, String text) {}

  /** Runs {@code command} to its end (at most 60 s) and returns what it printed. */
  public static Output run(String... command) throws IOException, InterruptedException {
    return run(null, command);
  }

  /** Runs {@code command} in {@code directory}. */
  public static Output run(Path directory, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Output(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Starts a daemon in the foreground with its output in {@code log}. */
  public static Process start(Path log, String... command) throws IOException {
    List<String> args = new ArrayList<>(List.of(command));
    return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Stops a daemon started with {@link #start}. */
  public static void stop(Process process) throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * A self-signed certificate for {@code localhost} and 127.0.0.1 ({@code cert.pem}) with its
   * PKCS#8 key ({@code key.pem}), made with openssl in {@code dir}.
   */
  public static void certificate(Path dir) throws IOException, InterruptedException {
    String openssl = require("openssl", "openssl");
    Output made = run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    if (made.exitCode() != 0) {
      throw new IOException("openssl failed: " + made.text());
    }
  }
}
