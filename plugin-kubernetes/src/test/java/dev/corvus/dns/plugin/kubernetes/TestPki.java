package dev.corvus.dns.plugin.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificate authorities and the certificates they sign, made with the JDK's {@code keytool}
 * in a directory: PEM files for the client side (what {@code tls} and a kubeconfig name), key
 * stores for the server side.
 */
final class TestPki {

  static final String PASSWORD = "changeit";

  private final Path dir;
  private int signed;

  TestPki(Path dir) {
    this.dir = dir;
  }

  /** A self-signed CA {@code name}; its certificate is {@code NAME.pem}. */
  Path authority(String name) throws IOException, InterruptedException {
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", store(name), "-storepass", PASSWORD);
    Path pem = dir.resolve(name + ".pem");
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store(name), "-storepass", PASSWORD,
        "-file", pem.toString());
    return pem;
  }

  /**
   * A key pair {@code name} (RSA: fabric8 reads client keys as RSA unless told otherwise) whose
   * certificate {@code ca} signs for the subject alternative names {@code san} (keytool syntax,
   * {@code ip:127.0.0.1,dns:localhost}).
   */
  Issued issue(String name, String ca, String san) throws IOException, InterruptedException {
    keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store(name), "-storepass", PASSWORD);
    Path request = dir.resolve(name + ".csr");
    keytool("-certreq", "-alias", name, "-keystore", store(name), "-storepass", PASSWORD, "-file", request.toString());
    return sign(name, ca, san);
  }

  /** The key pair {@code name} of {@link #issue} signed again, by {@code ca} for {@code san}. */
  Issued sign(String name, String ca, String san) throws IOException, InterruptedException {
    Path certificate = dir.resolve(name + "-by-" + ca + "-" + ++signed + ".pem");
    keytool("-gencert", "-rfc", "-alias", ca, "-keystore", store(ca), "-storepass", PASSWORD,
        "-infile", dir.resolve(name + ".csr").toString(), "-outfile", certificate.toString(),
        "-ext", "SAN=" + san, "-validity", "2");
    return new Issued(certificate, dir.resolve(ca + ".pem"), key(name));
  }

  /** The private key of {@code name} in PEM PKCS#8, as {@code tls} and kubeconfigs hold it. */
  private Path key(String name) throws IOException {
    Path pem = dir.resolve(name + "-key.pem");
    if (!Files.exists(pem)) {
      try {
        PrivateKey key = (PrivateKey) load(dir.resolve(name + ".p12")).getKey(name, PASSWORD.toCharArray());
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException(e);
      }
    }
    return pem;
  }

  /**
   * A certificate and the key it certifies.
   *
   * @param certificate PEM of the certificate
   * @param ca PEM of the CA that signed it
   * @param key PEM PKCS#8 of the key
   */
  record Issued(Path certificate, Path ca, Path key) {

    /** An in-memory key store with the key and the chain (certificate, CA), for a server. */
    KeyStore keyStore() throws Exception {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      PrivateKey privateKey = java.security.KeyFactory.getInstance("RSA")
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(
              Files.readString(key).replaceAll("-----[A-Z ]+-----", ""))));
      store.setKeyEntry("key", privateKey, PASSWORD.toCharArray(),
          new Certificate[] {certificates(certificate).get(0), certificates(ca).get(0)});
      return store;
    }
  }

  /** A PKCS#12 trust store at {@code file} holding the certificates of {@code pems}. */
  static Path trustStore(Path file, Path... pems) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (Path pem : pems) {
      for (X509Certificate certificate : certificates(pem)) {
        store.setCertificateEntry("trusted-" + i++, certificate);
      }
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
    return file;
  }

  static List<X509Certificate> certificates(Path pem) throws Exception {
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      CertificateFactory.getInstance("X.509").generateCertificates(in)
          .forEach(c -> certificates.add((X509Certificate) c));
    }
    return certificates;
  }

  private static KeyStore load(Path file) throws IOException, java.security.GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  private String store(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  /** Runs the JDK's keytool; fails with its output. */
  static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
