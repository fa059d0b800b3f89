package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.config.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK TLS context of {@code corvus doctor}'s blocking probes of {@code tls://} upstreams and of
 * the DNS over HTTPS client ({@link DohTls}), built from the {@code tls} option's PEM files with
 * the JDK alone: the CA bundle to verify the upstream with (the JDK's trust store without one) and
 * the client certificate with its PKCS#8 key. The {@code tls://} forwarding path's TLS settings
 * are the server's ({@link dev.corvus.dns.api.io.TlsClient}), which checked the same files while
 * the Corefile was read.
 */
final class ProbeTls {

  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final char[] NO_PASSWORD = new char[0];

  private ProbeTls() {}

  static SSLContext context(TlsFiles files) throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(files), new TrustManager[] {trustManager(files)}, null);
    return context;
  }

  /** The client certificate with its key from the {@code tls} files; {@code null} for none. */
  static KeyManager[] keyManagers(TlsFiles files) throws IOException, GeneralSecurityException {
    if (files.certificate().isEmpty() || files.key().isEmpty()) {
      return null;
    }
    List<Certificate> chain = certificates(files.certificate().get());
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + files.certificate().get());
    }
    KeyStore store = emptyStore();
    store.setKeyEntry(
        "client", privateKey(files.key().get(), chain.get(0)), NO_PASSWORD, chain.toArray(Certificate[]::new));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, NO_PASSWORD);
    return keys.getKeyManagers();
  }

  /**
   * The JDK's trust manager over the {@code tls} option's CA bundle, or over the JDK's trust store
   * without one.
   */
  static X509ExtendedTrustManager trustManager(TlsFiles files) throws IOException, GeneralSecurityException {
    KeyStore anchors = null;
    if (files.ca().isPresent()) {
      anchors = emptyStore();
      int i = 0;
      for (Certificate certificate : certificates(files.ca().get())) {
        anchors.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in " + files.ca().get());
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(anchors);
    for (TrustManager manager : trust.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    return store;
  }

  private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  private static PrivateKey privateKey(Path file, Certificate certificate)
      throws IOException, GeneralSecurityException {
    Matcher pem = PRIVATE_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    if (!pem.find()) {
      throw new GeneralSecurityException(file + " holds no PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
    return KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
        .generatePrivate(new PKCS8EncodedKeySpec(der));
  }
}
