package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.testkit.PluginTestKit;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What start would trip over is a configuration error at its option's line, found by the factory
 * alone (what {@code corvus check} runs): nothing is started or contacted here.
 */
class KubernetesFactoryTest {

  @TempDir
  Path dir;
  private PluginTestKit kit;

  @BeforeEach
  void kit() {
    kit = new PluginTestKit().baseDirectory(dir);
  }

  @AfterEach
  void close() {
    kit.close();
  }

  /** Creates the plugin from a block whose option under test is on line 4 ({@code <test>:4}). */
  private void create(String option) throws ConfigException {
    kit.create(new KubernetesFactory(), "cluster.local:53",
        "kubernetes {\n  ttl 30\n  " + option + "\n}");
  }

  private ConfigException rejected(String option) {
    ConfigException e = assertThrows(ConfigException.class, () -> create(option));
    assertEquals(4, e.location().line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("<test>:4: kubernetes: "), e.getMessage());
    return e;
  }

  @ParameterizedTest(name = "endpoint {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://[::1           | Expected closing bracket",
        "https://[fd00::1:6443 | Expected closing bracket",
        "ftp://10.0.0.1        | expected http://HOST[:PORT] or https://HOST[:PORT]",
        "https://              | invalid API server URL",
        "https://api_server:443 | no valid host",
        "https://10.0.0.1/?x=1 | a query or fragment",
        "https://10.0.0.1:http | invalid API server URL",
      })
  void anEndpointThatIsNoUrlIsRejectedAtItsLine(String url, String expected) {
    ConfigException e = rejected("endpoint " + url);
    assertTrue(e.getMessage().contains("invalid API server URL \"" + url + "\""), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @ParameterizedTest(name = "endpoint {0}")
  @ValueSource(strings = {
      "http://127.0.0.1:8080", "https://[fd00::1]:6443", "https://kubernetes.default.svc", "10.96.0.1:443",
      "HTTPS://API.EXAMPLE.ORG:6443/"})
  void aUrlTheClientTakesIsAccepted(String url) {
    assertDoesNotThrow(() -> create("endpoint " + url));
  }

  @Test
  void everyEndpointGivenIsChecked() {
    ConfigException e = rejected("endpoint http://127.0.0.1:8080 http://[::1");
    assertTrue(e.getMessage().contains("\"http://[::1\""), e.getMessage());
  }

  @Test
  void aKubeconfigIsReadParsedAndItsContextAndServerChecked() throws Exception {
    Path good = Files.writeString(dir.resolve("kubeconfig"), KubernetesOptionsTest.kubeconfig("http://127.0.0.1:6443"));
    assertDoesNotThrow(() -> create("kubeconfig kubeconfig mock"));
    assertDoesNotThrow(() -> create("kubeconfig " + good), "the current context");

    assertTrue(rejected("kubeconfig missing").getMessage().contains("cannot read kubeconfig " + dir.resolve("missing")));
    Files.writeString(dir.resolve("garbled"), "clusters: [unclosed\n");
    assertTrue(rejected("kubeconfig garbled").getMessage().contains("kubeconfig " + dir.resolve("garbled") + " does not parse"));
    assertTrue(rejected("kubeconfig kubeconfig nosuch").getMessage()
        .contains("has no context \"nosuch\" (it has: mock, elsewhere)"));

    Files.writeString(dir.resolve("no-current"), KubernetesOptionsTest.kubeconfig("http://127.0.0.1:6443")
        .replace("current-context: elsewhere\n", ""));
    assertTrue(rejected("kubeconfig no-current").getMessage().contains("has no current-context; name one"));
    Files.writeString(dir.resolve("no-cluster"), KubernetesOptionsTest.kubeconfig("http://127.0.0.1:6443")
        .replace("cluster: mock\n", "cluster: gone\n"));
    assertTrue(rejected("kubeconfig no-cluster mock").getMessage()
        .contains("context \"mock\" names cluster \"gone\", which the file does not define"));
    Files.writeString(dir.resolve("bad-server"), KubernetesOptionsTest.kubeconfig("http://[::1"));
    assertTrue(rejected("kubeconfig bad-server mock").getMessage()
        .contains("cluster \"mock\": invalid API server URL \"http://[::1\""));
    Files.writeString(dir.resolve("no-scheme"), KubernetesOptionsTest.kubeconfig("127.0.0.1:6443"));
    assertTrue(rejected("kubeconfig no-scheme mock").getMessage()
        .contains("cluster \"mock\": server \"127.0.0.1:6443\" has no scheme; write https://127.0.0.1:6443"));
  }

  @Test
  void tlsNeedsReadableValidCertKeyAndCa() throws Exception {
    writeCertificateAndKey();
    assertDoesNotThrow(() -> create("tls cert.pem key.pem cert.pem"));

    assertTrue(rejected("tls cert.pem key.pem").getMessage().contains("expected CERT KEY CACERT, got 2 files"));
    assertTrue(rejected("tls cert.pem").getMessage().contains("expected CERT KEY CACERT, got 1 file"));
    assertTrue(rejected("tls").getMessage().contains("expected CERT KEY CACERT, got 0 files"));
    assertTrue(rejected("tls cert.pem missing.pem cert.pem").getMessage().contains("cannot read " + dir.resolve("missing.pem")));
    Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    rejected("tls junk.pem key.pem cert.pem");
    rejected("tls cert.pem junk.pem cert.pem");
  }

  @Test
  void anOfflineDirectoryMustExist() throws Exception {
    assertTrue(rejected("offline nowhere").getMessage().contains("not a directory: " + dir.resolve("nowhere")));
    Files.createDirectory(dir.resolve("objects"));
    kit.create(new KubernetesFactory(), "cluster.local:53", "kubernetes {\n  offline objects\n}");
  }

  /**
   * Writes {@code cert.pem} (self-signed, so it is its own CA) and {@code key.pem} (PKCS#8), made
   * with the JDK's keytool.
   */
  private void writeCertificateAndKey() throws Exception {
    Path store = dir.resolve("client.p12");
    char[] password = "changeit".toCharArray();
    TestPki.keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=coredns",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
        "-keypass", "changeit");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, password);
    }
    Certificate certificate = keys.getCertificate("client");
    Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", keys.getKey("client", password).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
