package dev.corvus.dns.plugin.forward;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for {@code upstream.test} and {@code 127.0.0.1}, made with the JDK's
 * {@code keytool} (Netty's SelfSignedCertificate needs BouncyCastle or JDK internals on 17).
 *
 * @param keyStore the PKCS#12 key store holding the key and certificate
 * @param certificatePem the certificate in PEM, used as the CA the client trusts
 */
record TestCertificates(Path keyStore, Path certificatePem) {

  private static final String PASSWORD = "changeit";

  static TestCertificates generate(Path directory) throws IOException, InterruptedException {
    Path keyStore = directory.resolve("upstream.p12");
    Path pem = directory.resolve("upstream-ca.pem");
    keytool(
        "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=upstream.test", "-ext", "SAN=dns:upstream.test,ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool(
        "-exportcert", "-rfc", "-alias", "upstream", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-file", pem.toString());
    return new TestCertificates(keyStore, pem);
  }

  /** A server context presenting the certificate. */
  SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }
}
