package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Dns.assertRcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.testkit.PluginTestKit;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The client's TLS against a real HTTPS API server on loopback ({@link TlsFront} before the CRUD
 * mock, certificates from test CAs): trust is the configured CA only, as client-go's; the JDK's
 * default trust without one; {@code insecure-skip-tls-verify} trusts all; host names are verified.
 */
class ApiServerTlsTest {

  private static final String SAN = "ip:127.0.0.1,dns:localhost";

  @TempDir static Path dir;

  private static TestPki.Issued server;
  private static TestPki.Issued serverOfAnotherCa;
  private static TestPki.Issued serverOfAPublicRoot;
  private static TestPki.Issued serverForAnotherHost;
  private static TestPki.Issued client;
  private static Path testCa;

  private final PluginTestKit kit = new PluginTestKit();
  private Plugin plugin;

  @BeforeAll
  static void certificates() throws Exception {
    TestPki pki = new TestPki(dir);
    testCa = pki.authority("test-ca");
    pki.authority("other-ca");
    pki.authority("public-ca");
    server = pki.issue("apiserver", "test-ca", SAN);
    serverOfAnotherCa = pki.sign("apiserver", "other-ca", SAN);
    serverOfAPublicRoot = pki.sign("apiserver", "public-ca", SAN);
    serverForAnotherHost = pki.sign("apiserver", "test-ca", "dns:elsewhere.test");
    client = pki.issue("corvus", "test-ca", "dns:corvus.test");
  }

  @AfterEach
  void stop() {
    if (plugin != null) {
      plugin.stop();
    }
    kit.close();
  }

  private static KubernetesConfig.ApiServer endpointWithTls(String url, Path ca) {
    TlsFiles tls = new TlsFiles(Optional.of(client.certificate()), Optional.of(client.key()), Optional.of(ca));
    return new KubernetesConfig.ApiServer(url, tls, null, null, 0, 0, 0);
  }

  /** A kubeconfig for {@code url}: {@code cluster} lines under its cluster, {@code user} lines under its user. */
  private static KubernetesConfig.ApiServer kubeconfig(String url, String cluster, String user) throws Exception {
    Path file = Files.createTempFile(dir, "kubeconfig", ".yaml");
    Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + url + "\n"
        + cluster + "users:\n- name: u\n  user:\n" + user
        + "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n");
    return new KubernetesConfig.ApiServer(null, null, file, null, 0, 0, 0);
  }

  private static String base64(Path file) throws Exception {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  /** Lists namespaces once (no retries), as {@code corvus doctor} asks. */
  private static void list(KubernetesConfig.ApiServer api) throws Exception {
    try (KubernetesClient probe = KubernetesClients.createForProbe(api, Duration.ofSeconds(10))) {
      probe.namespaces().list();
    }
  }

  /** The TLS failure a refused connection reports, found in the client's exception. */
  private static SSLException refused(KubernetesConfig.ApiServer api) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> list(api));
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException ssl) {
        return ssl;
      }
    }
    throw new AssertionError("no TLS failure in " + e, e);
  }

  private Message ask(String name) throws Exception {
    return kit.handle(plugin, kit.request(name, Type.A), PluginTestKit.nxdomain());
  }

  private void startPlugin(String url, Path ca, String startupTimeout) throws Exception {
    plugin = kit.create(new KubernetesFactory(), "cluster.local:53", "kubernetes {\n  endpoint " + url + "\n  tls "
        + client.certificate() + " " + client.key() + " " + ca + "\n  startup_timeout " + startupTimeout + "\n}");
  }

  @Test
  void theConfiguredCaAndAClientCertificateSyncTheInformersOverMutualTls() throws Exception {
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(server, testCa, api.port())) {
      Fixtures.populate(api.client());
      startPlugin(front.url(), testCa, "1m");

      plugin.start().toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertEquals(List.of("10.96.1.1"), Dns.rdata(ask("web.team-a.svc.cluster.local.")));
    }
  }

  @Test
  void aServerCertificateOfAnotherCaIsRefusedAndTheInformersNeverSync() throws Exception {
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(serverOfAnotherCa, testCa, api.port())) {
      Fixtures.populate(api.client());

      SSLException failure = refused(endpointWithTls(front.url(), testCa));
      assertInstanceOf(SSLHandshakeException.class, failure);
      assertTrue(failure.getMessage().contains("PKIX path building failed"), failure.getMessage());

      startPlugin(front.url(), testCa, "300ms");
      plugin.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertRcode(Rcode.SERVFAIL, ask("web.team-a.svc.cluster.local."));
    }
  }

  /**
   * A CA the JVM trusts by default (a public root, here in the JVM's trust store) does not help
   * a server when the configuration names another CA: the named CA is the only trust. Naming no
   * CA, the same server is trusted.
   */
  @Test
  void theNamedCaIsTheOnlyTrustEvenForARootTheJvmTrusts() throws Exception {
    Path jvmTrust = TestPki.trustStore(dir.resolve("jvm-trust.p12"), dir.resolve("public-ca.pem"));
    String store = System.getProperty("javax.net.ssl.trustStore");
    String password = System.getProperty("javax.net.ssl.trustStorePassword");
    System.setProperty("javax.net.ssl.trustStore", jvmTrust.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", TestPki.PASSWORD);
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(serverOfAPublicRoot, null, api.port())) {
      assertTrue(refused(endpointWithTls(front.url(), testCa)).getMessage().contains("PKIX path building failed"));

      list(kubeconfig(front.url(), "", "    token: t\n"));
    } finally {
      restore("javax.net.ssl.trustStore", store);
      restore("javax.net.ssl.trustStorePassword", password);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  @Test
  void aCertificateForAnotherHostIsRefused() throws Exception {
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(serverForAnotherHost, null, api.port())) {
      SSLException failure = refused(endpointWithTls(front.url(), testCa));
      assertTrue(failure.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"),
          failure.getMessage());
    }
  }

  @Test
  void aKubeconfigsCaDataIsTrustedAndItsClientCertificatePresented() throws Exception {
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(server, testCa, api.port())) {
      list(kubeconfig(front.url(), "    certificate-authority-data: " + base64(testCa) + "\n",
          "    client-certificate-data: " + base64(client.certificate()) + "\n"
              + "    client-key-data: " + base64(client.key()) + "\n"));

      // The CA and the client certificate as files.
      list(kubeconfig(front.url(), "    certificate-authority: " + testCa + "\n",
          "    client-certificate: " + client.certificate() + "\n" + "    client-key: " + client.key() + "\n"));

      // The same as paths relative to the kubeconfig's folder, as kubectl resolves them.
      list(kubeconfig(front.url(), "    certificate-authority: " + dir.relativize(testCa) + "\n",
          "    client-certificate: " + dir.relativize(client.certificate()) + "\n"
              + "    client-key: " + dir.relativize(client.key()) + "\n"));

      // The server requires a client certificate: without one the server refuses the connection
      // (its alert, not the client's distrust of its certificate).
      String failure = refused(kubeconfig(front.url(), "    certificate-authority: " + testCa + "\n", "    token: t\n"))
          .getMessage();
      assertTrue(failure.contains("bad_certificate") || failure.contains("certificate_required"), failure);
    }
  }

  @Test
  void everyCertificateOfTheCaFileIsARoot() throws Exception {
    Path both = dir.resolve("both-cas.pem");
    Files.writeString(both, Files.readString(dir.resolve("other-ca.pem")) + Files.readString(testCa));
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(server, null, api.port())) {
      list(endpointWithTls(front.url(), both));
    }
    X509TrustManager trust = (X509TrustManager) ApiServerTls.of(fabric8Config(endpointWithTls("https://127.0.0.1:1", both)))
        .trustManagers()[0];
    assertEquals(2, trust.getAcceptedIssuers().length);
  }

  /** As fabric8 does and as the user asked: {@code insecure-skip-tls-verify: true} trusts any server. */
  @Test
  void insecureSkipTlsVerifyTrustsAnyServer() throws Exception {
    try (MockApiServer api = new MockApiServer();
        TlsFront front = new TlsFront(serverOfAnotherCa, null, api.port())) {
      list(kubeconfig(front.url(), "    insecure-skip-tls-verify: true\n", "    token: t\n"));
    }
  }

  private static Config fabric8Config(KubernetesConfig.ApiServer api) {
    TlsFiles tls = api.tls();
    return new ConfigBuilder(Config.empty()).withMasterUrl(api.endpoint())
        .withClientCertFile(tls.certificate().orElseThrow().toString())
        .withClientKeyFile(tls.key().orElseThrow().toString())
        .withCaCertFile(tls.ca().orElseThrow().toString()).build();
  }

  /** What each configuration is trusted with, without a connection. */
  @Test
  void theTrustFollowsTheConfiguration() throws Exception {
    Config withCa = fabric8Config(endpointWithTls("https://127.0.0.1:1", testCa));
    ApiServerTls ca = ApiServerTls.of(withCa);
    assertEquals("ca", ca.trust());
    X509Certificate[] issuers = ((X509TrustManager) ca.trustManagers()[0]).getAcceptedIssuers();
    assertEquals(TestPki.certificates(testCa), List.of(issuers));
    assertEquals(1, ca.keyManagers().length, "the client certificate is presented");

    Config none = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build();
    assertEquals("jdk-default", ApiServerTls.of(none).trust());
    assertNull(ApiServerTls.of(none).keyManagers());

    Config plain = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:1").withCaCertFile(testCa.toString())
        .build();
    ApiServerTls http = ApiServerTls.of(plain);
    assertEquals("none (http)", http.trust());
    X509TrustManager refuses = (X509TrustManager) http.trustManagers()[0];
    assertThrows(java.security.cert.CertificateException.class,
        () -> refuses.checkServerTrusted(TestPki.certificates(testCa).toArray(new X509Certificate[0]), "ECDHE_ECDSA"));

    Config insecure = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").withTrustCerts(true).build();
    assertEquals("insecure", ApiServerTls.of(insecure).trust());
  }

  /** fabric8 is told to trust everything only while it builds; the client's configuration is the user's. */
  @Test
  void theClientsConfigurationKeepsTheUsersTrust() throws Exception {
    try (KubernetesClient built = KubernetesClients.create(endpointWithTls("https://127.0.0.1:1", testCa),
        new com.fasterxml.jackson.databind.ObjectMapper())) {
      assertFalse(built.getConfiguration().isTrustCerts());
    }
  }

  @Test
  void aCaFileWithoutCertificatesIsAnError() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty-ca.pem"), "# no certificates\n", StandardCharsets.US_ASCII);
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").withCaCertFile(empty.toString())
        .build();
    KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> ApiServerTls.of(config));
    assertInstanceOf(java.security.cert.CertificateException.class, e.getCause());
  }
}
