package dev.corvus.dns.plugin.https;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian clients the tests run (kdig, curl, openssl). A test whose tool is not installed is
 * skipped naming the package that brings it; {@code .ci/run} installs them all.
 */
final class Peers {

  private Peers() {}

  /** The path of {@code tool} after checking it is installed (else the test is skipped). */
  static String require(String tool, String debianPackage) {
    for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
      Path path = Path.of(dir, tool);
      if (Files.isExecutable(path)) {
        return path.toString();
      }
    }
    assumeTrue(false, tool + " is not installed (apt-get install " + debianPackage + ")");
    throw new AssertionError("unreachable");
  }

  /** What a command printed (stdout and stderr together) and its exit code. */
  record Output(int exitCode, String text) {}

  /** Runs {@code command} to its end (at most 60 s) and returns what it printed. */
  static Output run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Output(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /**
   * A self-signed certificate for {@code localhost} and 127.0.0.1 ({@code cert.pem}) with its
   * PKCS#8 key ({@code key.pem}), made with openssl in {@code dir}.
   */
  static void certificate(Path dir) throws IOException, InterruptedException {
    String openssl = require("openssl", "openssl");
    Output made = run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    if (made.exitCode() != 0) {
      throw new IOException("openssl failed: " + made.text());
    }
  }
}
