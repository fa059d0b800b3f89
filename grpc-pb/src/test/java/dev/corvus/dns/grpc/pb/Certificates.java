package dev.corvus.dns.grpc.pb;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test certificates made with Debian's openssl. */
public final class Certificates {

  private Certificates() {}

  /**
   * Writes a self-signed certificate for {@code localhost} and 127.0.0.1 ({@code cert.pem}) and its
   * PKCS#8 key ({@code key.pem}) into {@code dir}.
   */
  public static void selfSigned(Path dir) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (apt-get install openssl)");
    Process process = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
        "-out", dir.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("openssl failed: " + output);
    }
  }
}
