package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.plugin.SelfCheck;
import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import dev.corvus.dns.api.plugin.SelfCheck.Severity;
import dev.corvus.dns.testkit.PluginTestKit;
import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corvus doctor}'s checks of the kubernetes plugin against fabric8's mock API server in
 * expectations mode: reachability, RBAC through SelfSubjectAccessReviews, the list fallback when
 * reviews are forbidden, and the offline directory.
 */
class KubernetesSelfCheckTest {

  private static final String SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final KubernetesSerialization json = new KubernetesSerialization();
  private KubernetesMockServer api;
  private PluginTestKit kit;

  @BeforeEach
  void start() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    api = new KubernetesMockServer(false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    kit = new PluginTestKit();
  }

  @AfterEach
  void stop() {
    kit.close();
    api.destroy();
  }

  private List<Finding> check(String endpoint, String options) throws Exception {
    SelfCheck plugin = (SelfCheck) kit.create(new KubernetesFactory(),
        "kubernetes cluster.local {\n  endpoint " + endpoint + "\n" + options + "}");
    return plugin.check(TIMEOUT);
  }

  private String url() {
    return "http://127.0.0.1:" + api.getPort();
  }

  /** Answers every review with {@code allowed(resource, verb)}. */
  private void reviews(BiPredicate<String, String> allowed) {
    api.expect().post().withPath(SSAR).andReply(201, request -> {
      SelfSubjectAccessReview review = json.unmarshal(request.getUtf8Body(), SelfSubjectAccessReview.class);
      var attributes = review.getSpec().getResourceAttributes();
      return new SelfSubjectAccessReviewBuilder(review)
          .withNewStatus().withAllowed(allowed.test(attributes.getResource(), attributes.getVerb())).endStatus()
          .build();
    }).always();
  }

  private static List<String> lines(List<Finding> findings, Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).map(f -> f.subject() + ": " + f.detail()).toList();
  }

  @Test
  void everyResourceAllowedIsAllOk() throws Exception {
    reviews((resource, verb) -> true);
    List<Finding> findings = check(url(), "  pods verified\n");
    assertEquals(List.of(), lines(findings, Severity.PROBLEM));
    List<String> subjects = findings.stream().map(Finding::subject).toList();
    assertEquals(List.of(
        "kubernetes API server " + url() + "/",
        "kubernetes RBAC: list services", "kubernetes RBAC: watch services",
        "kubernetes RBAC: list endpointslices.discovery.k8s.io", "kubernetes RBAC: watch endpointslices.discovery.k8s.io",
        "kubernetes RBAC: list namespaces", "kubernetes RBAC: watch namespaces",
        "kubernetes RBAC: list pods", "kubernetes RBAC: watch pods"), subjects);
    assertTrue(findings.get(0).detail().startsWith("reachable, version "), findings.get(0)::detail);
  }

  @Test
  void aDeniedVerbIsAProblemNamingTheResource() throws Exception {
    reviews((resource, verb) -> !(resource.equals("endpointslices") && verb.equals("watch")));
    List<Finding> findings = check(url(), "");
    assertEquals(List.of("kubernetes RBAC: watch endpointslices.discovery.k8s.io: the service account may not watch"
            + " endpointslices.discovery.k8s.io: add it to the ClusterRole (see " + ApiServerCheck.CLUSTER_ROLE + ")"),
        lines(findings, Severity.PROBLEM));
    // Pods are not needed without "pods verified".
    assertTrue(findings.stream().noneMatch(f -> f.subject().contains("pods")), findings::toString);
  }

  @Test
  void multiclusterNeedsServiceImports() throws Exception {
    reviews((resource, verb) -> !resource.equals("serviceimports"));
    SelfCheck plugin = (SelfCheck) kit.create(new KubernetesFactory(),
        "kubernetes cluster.local clusterset.local {\n  endpoint " + url() + "\n  multicluster clusterset.local\n}");
    List<Finding> findings = plugin.check(TIMEOUT);
    assertEquals(List.of(
        "kubernetes RBAC: list serviceimports.multicluster.x-k8s.io: the service account may not list"
            + " serviceimports.multicluster.x-k8s.io: add it to the ClusterRole (see " + ApiServerCheck.CLUSTER_ROLE + ")",
        "kubernetes RBAC: watch serviceimports.multicluster.x-k8s.io: the service account may not watch"
            + " serviceimports.multicluster.x-k8s.io: add it to the ClusterRole (see " + ApiServerCheck.CLUSTER_ROLE + ")"),
        lines(findings, Severity.PROBLEM));
  }

  @Test
  void forbiddenReviewsFallBackToListingOneObject() throws Exception {
    api.expect().post().withPath(SSAR).andReturn(403, "{\"kind\":\"Status\",\"code\":403}").always();
    api.expect().get().withPath("/api/v1/services?limit=1").andReturn(200, new ServiceListBuilder().build()).always();
    api.expect().get().withPath("/api/v1/namespaces?limit=1").andReturn(200, new NamespaceListBuilder().build()).always();
    api.expect().get().withPath("/apis/discovery.k8s.io/v1/endpointslices?limit=1")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}").always();
    List<Finding> findings = check(url(), "");
    assertEquals(List.of("kubernetes RBAC: list endpointslices.discovery.k8s.io: the service account may not list"
            + " endpointslices.discovery.k8s.io: add it to the ClusterRole (see " + ApiServerCheck.CLUSTER_ROLE + ")"),
        lines(findings, Severity.PROBLEM));
    assertEquals(3, lines(findings, Severity.OK).size(), findings::toString);
  }

  @Test
  void anUnreachableApiServerIsAProblem() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    List<Finding> findings = check(url, "");
    assertEquals(1, findings.size(), findings::toString);
    Finding finding = findings.get(0);
    assertEquals(Severity.PROBLEM, finding.severity());
    assertTrue(finding.detail().startsWith("cannot reach the API server at " + url + "/: "), finding::detail);
    assertTrue(finding.detail().endsWith("; check endpoint/kubeconfig and network"), finding::detail);
  }

  @Test
  void offlineDirectoryIsCheckedForExistenceAndParsing(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: a\n"
        + "spec:\n  clusterIP: 10.0.0.1\n");
    SelfCheck good = (SelfCheck) kit.create(new KubernetesFactory(), "kubernetes cluster.local {\n  offline " + dir + "\n}");
    assertEquals(List.of(Finding.ok("offline directory " + dir, "1 objects in 1 files")), good.check(TIMEOUT));

    Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed\n");
    Finding broken = good.check(TIMEOUT).get(0);
    assertEquals(Severity.PROBLEM, broken.severity());
    assertTrue(broken.detail().startsWith("1 of 2 files do not parse; fix or remove them: broken.yaml: "), broken::detail);

    // A directory missing when the configuration is read is a configuration error; one removed
    // afterwards is what doctor finds.
    Path removed = Files.createDirectory(dir.resolve("removed"));
    SelfCheck absent = (SelfCheck) kit.create(new KubernetesFactory(), "kubernetes cluster.local {\n  offline " + removed + "\n}");
    Files.delete(removed);
    assertEquals(List.of(Finding.problem("offline directory " + removed,
        "not a directory; create it or fix the offline option")), absent.check(TIMEOUT));
  }
}
