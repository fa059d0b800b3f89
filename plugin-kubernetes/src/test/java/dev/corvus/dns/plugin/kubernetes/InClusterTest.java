package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod's service account path ({@link InCluster}), with an environment and a service account
 * directory made here: a token and the cluster's CA (made with keytool, {@link TestPki}), the API
 * server the CRUD mock behind a TLS front ({@link TlsFront}). As client-go's {@code
 * rest.InClusterConfig}: the URL is {@code https://HOST:PORT} (an IPv6 host in brackets), the
 * token goes as a bearer token, the service account's CA is the only trust, and a missing
 * variable or token file stops the client from being built, saying which.
 */
class InClusterTest {

  private static final String SAN = "ip:127.0.0.1,ip:::1,dns:localhost";
  /** How the plugin's configuration looks for the in-cluster case: no endpoint, no kubeconfig. */
  private static final KubernetesConfig.ApiServer IN_CLUSTER = new KubernetesConfig.ApiServer(null, null, null, null, 0, 0, 0);

  @TempDir static Path dir;

  private static TestPki.Issued server;
  private static TestPki.Issued serverOfAnotherCa;
  private static Path clusterCa;
  private static Path otherCa;

  @BeforeAll
  static void certificates() throws Exception {
    TestPki pki = new TestPki(dir);
    clusterCa = pki.authority("cluster-ca");
    otherCa = pki.authority("other-ca");
    server = pki.issue("apiserver", "cluster-ca", SAN);
    serverOfAnotherCa = pki.sign("apiserver", "other-ca", SAN);
  }

  /** A service account directory as the kubelet mounts it: {@code token} and {@code ca.crt}. */
  private static Path serviceAccount(String name, String token) throws IOException {
    Path account = Files.createDirectories(dir.resolve(name));
    Files.writeString(account.resolve("token"), token);
    Files.copy(clusterCa, account.resolve("ca.crt"));
    return account;
  }

  private static InCluster inCluster(String host, int port, Path account) {
    return new InCluster(host, String.valueOf(port), account.resolve("token"), account.resolve("ca.crt"), false);
  }

  /** The mock API server, recording the Authorization header of every request. */
  private static MockApiServer recording(List<String> authorizations) {
    return new MockApiServer(crud -> new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        authorizations.add(String.valueOf(request.getHeader("Authorization")));
        return crud.dispatch(request);
      }
    });
  }

  /** Lists namespaces once, no retries, through the client the plugin builds for {@code corvus doctor}. */
  private static List<String> namespaces(InCluster inCluster) throws IOException {
    try (KubernetesClient client = KubernetesClients.createForProbe(IN_CLUSTER, Duration.ofSeconds(10), inCluster)) {
      return client.namespaces().list().getItems().stream().map(n -> n.getMetadata().getName()).toList();
    }
  }

  @Test
  void theUrlIsHttpsToTheServiceHostAndPortWithAnIpv6HostInBrackets() {
    assertEquals("https://10.96.0.1:443", new InCluster("10.96.0.1", "443", null, null, false).url());
    assertEquals("https://[fd00:10:96::1]:443", new InCluster("fd00:10:96::1", "443", null, null, false).url());
    assertEquals("https://kubernetes.default.svc:6443", new InCluster("kubernetes.default.svc", "6443", null, null, false).url());
  }

  @Test
  void theTokenIsSentAsBearerTokenToTheServerTheCaCertifies() throws Exception {
    Path account = serviceAccount("sa-bearer", "eyJhbGciOiJSUzI1NiJ9.token-one\n");
    List<String> authorizations = new CopyOnWriteArrayList<>();
    try (MockApiServer api = recording(authorizations);
        TlsFront front = new TlsFront(server, null, api.port())) {
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata()
          .build()).create();
      authorizations.clear();
      // In a pod, a kubeconfig of the user's is not read (client-go's InClusterConfig reads none).
      InCluster pod = new InCluster("127.0.0.1", String.valueOf(front.port()), account.resolve("token"),
          account.resolve("ca.crt"), true);
      try (KubernetesClient client = KubernetesClients.create(IN_CLUSTER, new ObjectMapper(), pod)) {
        assertEquals("https://127.0.0.1:" + front.port() + "/", client.getMasterUrl().toString());
        assertEquals(List.of("kube-system"),
            client.namespaces().list().getItems().stream().map(n -> n.getMetadata().getName()).toList());
      }
      // The file's trailing newline is not part of the token (client-go trims it too).
      assertEquals(List.of("Bearer eyJhbGciOiJSUzI1NiJ9.token-one"), authorizations);
    }
  }

  @Test
  void anIpv6ServiceHostIsReachedInBrackets() throws Exception {
    Path account = serviceAccount("sa-ipv6", "token-six");
    List<String> authorizations = new CopyOnWriteArrayList<>();
    try (MockApiServer api = recording(authorizations);
        TlsFront front = new TlsFront(server, null, api.port(), InetAddress.getByName("::1"))) {
      assertEquals(List.of(), namespaces(inCluster("::1", front.port(), account)));
      assertEquals(List.of("Bearer token-six"), authorizations);
    }
  }

  @Test
  void theServiceAccountCaIsTheOnlyTrustEvenForARootTheJvmTrusts() throws Exception {
    Path account = serviceAccount("sa-only", "token-only");
    Path jvmTrust = TestPki.trustStore(dir.resolve("jvm-trust.p12"), otherCa);
    String store = System.getProperty("javax.net.ssl.trustStore");
    String password = System.getProperty("javax.net.ssl.trustStorePassword");
    System.setProperty("javax.net.ssl.trustStore", jvmTrust.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", TestPki.PASSWORD);
    List<String> authorizations = new CopyOnWriteArrayList<>();
    try (MockApiServer api = recording(authorizations);
        TlsFront front = new TlsFront(serverOfAnotherCa, null, api.port())) {
      KubernetesClientException e = assertThrows(KubernetesClientException.class,
          () -> namespaces(inCluster("127.0.0.1", front.port(), account)));
      assertTrue(tlsFailure(e).getMessage().contains("PKIX path building failed"), e.toString());
      assertEquals(List.of(), authorizations, "the token never reached a server the CA does not certify");

      // Without a ca.crt, client-go goes on with the system's roots (here the JVM's, which trust the other CA).
      Files.delete(account.resolve("ca.crt"));
      assertEquals(List.of(), namespaces(inCluster("127.0.0.1", front.port(), account)));
      assertEquals(List.of("Bearer token-only"), authorizations);
    } finally {
      restore("javax.net.ssl.trustStore", store);
      restore("javax.net.ssl.trustStorePassword", password);
    }
  }

  @Test
  void aReplacedTokenIsSentFromTheNextRequestOn() throws Exception {
    Path account = serviceAccount("sa-rotated", "token-before");
    Path token = account.resolve("token");
    List<String> authorizations = new CopyOnWriteArrayList<>();
    try (MockApiServer api = recording(authorizations);
        TlsFront front = new TlsFront(server, null, api.port());
        KubernetesClient client = KubernetesClients.create(IN_CLUSTER, new ObjectMapper(),
            inCluster("127.0.0.1", front.port(), account))) {
      client.namespaces().list();
      FileTime written = Files.getLastModifiedTime(token);
      // The kubelet replaces a projected token before it expires.
      Files.writeString(token, "token-after");
      Files.setLastModifiedTime(token, FileTime.fromMillis(written.toMillis() + 60_000));
      client.namespaces().list();
      assertEquals(List.of("Bearer token-before", "Bearer token-after"), authorizations);
    }
  }

  @Test
  void withoutTheTokenFileTheClientIsNotBuiltAndTheErrorNamesIt() throws Exception {
    Path account = serviceAccount("sa-missing", "unused");
    Files.delete(account.resolve("token"));
    IOException e = assertThrows(IOException.class,
        () -> KubernetesClients.create(IN_CLUSTER, new ObjectMapper(), inCluster("127.0.0.1", 6443, account)));
    assertTrue(e.getMessage().startsWith("cannot read the service account token " + account.resolve("token")),
        e.getMessage());
    assertTrue(e.getCause() instanceof NoSuchFileException, String.valueOf(e.getCause()));

    Files.writeString(account.resolve("token"), " \n");
    IOException empty = assertThrows(IOException.class,
        () -> KubernetesClients.create(IN_CLUSTER, new ObjectMapper(), inCluster("127.0.0.1", 6443, account)));
    assertEquals("the service account token " + account.resolve("token") + " is empty", empty.getMessage());
  }

  @Test
  void outsideAPodWithoutAKubeconfigTheClientIsNotBuiltAndTheErrorSaysWhatIsMissing() throws Exception {
    Path account = serviceAccount("sa-outside", "token");
    for (InCluster outside : List.of(
        new InCluster(null, "443", account.resolve("token"), account.resolve("ca.crt"), false),
        new InCluster("10.96.0.1", null, account.resolve("token"), account.resolve("ca.crt"), false),
        new InCluster("", "", account.resolve("token"), account.resolve("ca.crt"), false))) {
      IOException e = assertThrows(IOException.class,
          () -> KubernetesClients.create(IN_CLUSTER, new ObjectMapper(), outside));
      assertTrue(e.getMessage().contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set"),
          e.getMessage());
    }
  }

  private static SSLException tlsFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException ssl) {
        return ssl;
      }
    }
    throw new AssertionError("no TLS failure in " + e, e);
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
