package dev.corvus.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corvus.dns.server.client.DnsClient;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class TlsListenerTest {

  /** A self-signed certificate and PKCS#8 key made with the openssl command. */
  private static boolean selfSigned(Path dir) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
          "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      return false;
    }
    process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  @Test
  void servesDnsOverTls(@TempDir Path dir) throws Exception {
    assumeTrue(selfSigned(dir), "the openssl command is needed to make a test certificate");
    String corefile = """
        tls://.:0 {
            tls cert.pem key.pem
            records {
                a.example. 300 IN A 192.0.2.1
            }
        }
        """;
    Path file = Files.writeString(dir.resolve("Corefile"), corefile);
    try (Corvus server = Corvus.builder().corefile(file).dnsPort(0).start()) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
        trust.setCertificateEntry("corvus",
            (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
          .createSocket(server.tcpAddress().getAddress(), server.tcpAddress().getPort())) {
        socket.setSoTimeout(5000);
        for (int i = 0; i < 2; i++) {
          DnsClient.writeFrame(socket.getOutputStream(), DnsClient.newQuery("a.example.", Type.A).toWire());
          Message answer = new Message(DnsClient.readFrame(new DataInputStream(socket.getInputStream())));
          assertEquals(Rcode.NOERROR, answer.getRcode());
          assertEquals("192.0.2.1", answer.getSection(Section.ANSWER).get(0).rdataToString());
        }
      }
    }
  }

  @Test
  void garbageCertificateFilesFailTheConfigurationAtTheirLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve("key.pem"), "garbage\n");
    Path file = Files.writeString(dir.resolve("Corefile"), "tls://.:0 {\n    tls cert.pem key.pem\n    records\n}\n");
    dev.corvus.dns.api.config.ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(
        dev.corvus.dns.api.config.ConfigException.class, () -> Corvus.builder().corefile(file).dnsPort(0).start());
    org.junit.jupiter.api.Assertions.assertTrue(
        error.getMessage().startsWith(file + ":2: tls: cannot load the certificate "), error.getMessage());
  }
}
