package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.testkit.peers.Peers;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The certificate name check of DNS over HTTPS upstreams, on a certificate openssl made. */
class DohTlsTest {

  @TempDir static Path dir;
  static X509Certificate certificate;
  static TlsFiles ca;

  @BeforeAll
  static void makeCertificate() throws Exception {
    Peers.certificate(dir); // localhost and 127.0.0.1
    try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    ca = new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(dir.resolve("cert.pem")));
  }

  @ParameterizedTest
  @CsvSource({
    "localhost, true",
    "LOCALHOST., true",
    "127.0.0.1, true",
    "::1, false",
    "127.0.0.2, false",
    "other.example, false",
    "a.localhost, false",
  })
  void theNameMustBeASubjectAlternativeName(String name, boolean valid) throws Exception {
    assertEquals(valid, DohTls.names(certificate, name));
  }

  @ParameterizedTest
  @CsvSource({
    "*.example.net, dns.example.net, true",
    "*.example.net, a.b.example.net, false",
    "*.example.net, example.net, false",
    "dns.example.net, DNS.Example.Net., true",
  })
  void aWildcardStandsForOneWholeLeftmostLabel(String pattern, String name, boolean matches) {
    assertEquals(matches, DohTls.dnsNameMatches(pattern, name));
  }

  @Test
  void theTrustManagerChecksTheChainAndThenTheNameAlone() throws Exception {
    X509Certificate[] chain = {certificate};
    new DohTls.NameCheckingTrustManager(ProbeTls.trustManager(ca), "localhost").checkServerTrusted(chain, "ECDHE_ECDSA");
    CertificateException wrongName = assertThrows(CertificateException.class,
        () -> new DohTls.NameCheckingTrustManager(ProbeTls.trustManager(ca), "other.example")
            .checkServerTrusted(chain, "ECDHE_ECDSA"));
    assertTrue(wrongName.getMessage().contains("not valid for other.example"), wrongName.getMessage());
    // Not in the JDK's trust store: the chain fails before the name is looked at.
    assertThrows(CertificateException.class,
        () -> new DohTls.NameCheckingTrustManager(ProbeTls.trustManager(TlsFiles.NONE), "localhost")
            .checkServerTrusted(chain, "ECDHE_ECDSA"));
  }
}
