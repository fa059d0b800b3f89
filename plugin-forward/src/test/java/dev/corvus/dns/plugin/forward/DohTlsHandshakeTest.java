package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.testkit.peers.Peers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The certificate check of DNS over HTTPS upstreams ({@link DohTls}), through real handshakes with
 * the JDK's HTTPS server on 127.0.0.1 and the client {@link DohClient} builds: openssl's
 * certificates for {@code localhost} and 127.0.0.1, for 127.0.0.1 alone (its CN {@code localhost}:
 * Go ignores the CN, and so does this check; the JDK's own HTTPS check falls back to the CN when
 * there is no DNS name, which is why DohTls does not use it), and for {@code *.example.net}. The
 * expected name is the server name, or the IP address without one.
 */
class DohTlsHandshakeTest {

  @TempDir static Path dir;
  static final List<HttpsServer> servers = new ArrayList<>();
  static int both;
  static int ipOnly;
  static int wildcard;

  @BeforeAll
  static void startServers() throws Exception {
    Peers.certificate(dir); // localhost and 127.0.0.1: cert.pem, key.pem
    both = serve("cert.pem", "key.pem");
    ipOnly = serve(certificate("ip-only", "/CN=localhost", "subjectAltName=IP:127.0.0.1"), "ip-only-key.pem");
    wildcard = serve(certificate("wildcard", "/CN=wildcard.test", "subjectAltName=DNS:*.example.net"),
        "wildcard-key.pem");
  }

  @AfterAll
  static void stopServers() {
    servers.forEach(server -> server.stop(0));
  }

  private static String certificate(String name, String subject, String alternatives) throws Exception {
    String openssl = Peers.require("openssl", "openssl");
    Peers.Output made = Peers.run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve(name + "-key.pem").toString(), "-out", dir.resolve(name + ".pem").toString(),
        "-days", "2", "-subj", subject, "-addext", alternatives);
    assertEquals(0, made.exitCode(), made::text);
    return name + ".pem";
  }

  private static int serve(String certificate, String key) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(ProbeTls.keyManagers(new TlsFiles(Optional.of(dir.resolve(certificate)), Optional.of(dir.resolve(key)),
        Optional.empty())), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/dns-query", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  /** Asks {@code server} with the client of an upstream trusting {@code ca}, its server name {@code name}. */
  private static int ask(int port, String ca, String name) throws Exception {
    TlsFiles files = new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(dir.resolve(ca)));
    Optional<String> serverName = name.isEmpty() ? Optional.empty() : Optional.of(name);
    HttpClient client = DohClient.client(DohTls.context(files, serverName.orElse("127.0.0.1"), () -> {}), serverName)
        .connectTimeout(Duration.ofSeconds(20))
        .build();
    HttpResponse<Void> response = client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/dns-query")).timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.discarding());
    return response.statusCode();
  }

  private static int port(String server) {
    return switch (server) {
      case "both" -> both;
      case "ip-only" -> ipOnly;
      case "wildcard" -> wildcard;
      default -> throw new IllegalArgumentException(server);
    };
  }

  @ParameterizedTest(name = "{0} certificate, name ''{1}'': {2}")
  @CsvSource({
    // server, expected name ('' for the IP address), accepted
    "both,     localhost,        true",
    "both,     '',               true",
    // The JDK's check alone would accept this one: it falls back to the peer host, 127.0.0.1,
    // which the certificate names. Go checks tls_servername alone.
    "both,     other.example,    false",
    "both,     a.localhost,      false",
    "ip-only,  '',               true",
    // The JDK's check, even with the name as peer host, would accept the CN.
    "ip-only,  localhost,        false",
    "wildcard, dns.example.net,  true",
    "wildcard, a.b.example.net,  false",
    "wildcard, example.net,      false",
    "wildcard, '',               false",
  })
  void theCertificateMustNameTheExpectedNameAlone(String server, String name, boolean accepted) throws Exception {
    String ca = server.equals("both") ? "cert.pem" : server + ".pem";
    if (accepted) {
      assertEquals(204, ask(port(server), ca, name));
    } else {
      assertThrows(SSLHandshakeException.class, () -> ask(port(server), ca, name));
    }
  }

  @ParameterizedTest
  @CsvSource({"localhost", "''"})
  void aCertificateTheCaDidNotSignIsRejected(String name) {
    // The wildcard certificate as CA: it did not sign localhost's.
    assertThrows(SSLHandshakeException.class, () -> ask(both, "wildcard.pem", name));
  }
}
