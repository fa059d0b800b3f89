package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code corvus doctor} for the {@code kubernetes} directive with an API server: builds a client
 * from the same settings as the informers (endpoint, kubeconfig or the pod's service account),
 * checks that the API server answers {@code /version}, then asks it with a
 * SelfSubjectAccessReview (authorization.k8s.io/v1) whether this identity may {@code list} and
 * {@code watch} each resource the plugin reads. Where the review itself is forbidden, it tries a
 * {@code list} with {@code limit=1} per resource instead. The client is closed afterwards.
 */
final class ApiServerCheck {

  /** Where the distribution's ClusterRole is, for the fix of a denied verb. */
  static final String CLUSTER_ROLE = "distribution/kubernetes/cluster-dns/clusterrole.yaml";

  private static final List<String> VERBS = List.of("list", "watch");

  /** A resource the informers read, with its API group ({@code ""} for the core group). */
  record Needed(String group, String resource) {
    /** {@code services}, {@code endpointslices.discovery.k8s.io}, as kubectl names them. */
    String qualified() {
      return group.isEmpty() ? resource : resource + "." + group;
    }
  }

  private final KubernetesConfig config;
  private final KubernetesConfig.ApiServer api;

  ApiServerCheck(KubernetesConfig config, KubernetesConfig.ApiServer api) {
    this.config = config;
    this.api = api;
  }

  /** The resources the plugin lists and watches with this configuration. */
  List<Needed> needed() {
    List<Needed> needed = new ArrayList<>();
    needed.add(new Needed("", "services"));
    if (!config.noEndpoints()) {
      needed.add(new Needed("discovery.k8s.io", "endpointslices"));
    }
    needed.add(new Needed("", "namespaces"));
    if (config.podMode() == PodMode.VERIFIED) {
      needed.add(new Needed("", "pods"));
    }
    if (!config.multiclusterZones().isEmpty()) {
      if (config.noEndpoints()) {
        // The exported slices are watched whatever noendpoints says, as in CoreDNS.
        needed.add(new Needed("discovery.k8s.io", "endpointslices"));
      }
      needed.add(new Needed(InformerSource.SERVICE_IMPORTS.getGroup(), InformerSource.SERVICE_IMPORTS.getPlural()));
    }
    return needed;
  }

  List<Finding> check(Duration timeout) {
    String where = KubernetesClients.describe(api, null);
    KubernetesClient client;
    try {
      client = KubernetesClients.createForProbe(api, timeout);
    } catch (IOException | RuntimeException e) {
      return List.of(Finding.problem("kubernetes API server",
          "cannot build a client (" + where + "): " + message(e) + "; check endpoint/kubeconfig"));
    }
    try (client) {
      String url = client.getMasterUrl().toString();
      String subject = "kubernetes API server " + url;
      List<Finding> findings = new ArrayList<>();
      try {
        VersionInfo version = client.getKubernetesVersion();
        String text = version.getGitVersion() != null
            ? version.getGitVersion()
            : version.getMajor() + "." + version.getMinor();
        findings.add(Finding.ok(subject, "reachable, version " + text));
      } catch (RuntimeException e) {
        findings.add(Finding.problem(subject, "cannot reach the API server at " + url + ": " + message(e)
            + "; check endpoint/kubeconfig and network"));
        return findings;
      }
      List<Finding> reviewed = reviewAccess(client);
      findings.addAll(reviewed != null ? reviewed : tryLists(client));
      return findings;
    }
  }

  /** One finding per resource and verb, or {@code null} when reviews are forbidden or unknown. */
  private List<Finding> reviewAccess(KubernetesClient client) {
    List<Finding> findings = new ArrayList<>();
    for (Needed resource : needed()) {
      for (String verb : VERBS) {
        String subject = "kubernetes RBAC: " + verb + " " + resource.qualified();
        SelfSubjectAccessReview review =
            new SelfSubjectAccessReviewBuilder()
                .withNewSpec()
                .withNewResourceAttributes()
                .withGroup(resource.group())
                .withResource(resource.resource())
                .withVerb(verb)
                .endResourceAttributes()
                .endSpec()
                .build();
        SelfSubjectAccessReview answered;
        try {
          answered = client.authorization().v1().selfSubjectAccessReview().create(review);
        } catch (KubernetesClientException e) {
          if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
            return null;
          }
          findings.add(Finding.problem(subject, "cannot ask the API server (SelfSubjectAccessReview): " + message(e)));
          continue;
        }
        SubjectAccessReviewStatus status = answered == null ? null : answered.getStatus();
        if (status != null && Boolean.TRUE.equals(status.getAllowed())) {
          findings.add(Finding.ok(subject, "allowed"));
        } else {
          String reason = status == null || status.getReason() == null || status.getReason().isEmpty()
              ? ""
              : " (" + status.getReason() + ")";
          findings.add(Finding.problem(subject, denied(verb, resource) + reason));
        }
      }
    }
    return findings;
  }

  /** The fallback when SelfSubjectAccessReviews are forbidden: a list of one object each. */
  private List<Finding> tryLists(KubernetesClient client) {
    ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
    List<Finding> findings = new ArrayList<>();
    for (Needed resource : needed()) {
      String subject = "kubernetes RBAC: list " + resource.qualified();
      try {
        switch (resource.resource()) {
          case "services" -> client.services().inAnyNamespace().list(one);
          case "endpointslices" -> client.discovery().v1().endpointSlices().inAnyNamespace().list(one);
          case "namespaces" -> client.namespaces().list(one);
          case "pods" -> client.pods().inAnyNamespace().list(one);
          case "serviceimports" ->
              client.genericKubernetesResources(InformerSource.SERVICE_IMPORTS).inAnyNamespace().list(one);
          default -> throw new IllegalStateException("no list for " + resource.qualified());
        }
        findings.add(Finding.ok(subject,
            "allowed (watch not checked: this identity may not create SelfSubjectAccessReviews)"));
      } catch (KubernetesClientException e) {
        findings.add(Finding.problem(subject, e.getCode() == HttpURLConnection.HTTP_FORBIDDEN
            ? denied("list", resource)
            : "listing failed: " + message(e)));
      }
    }
    return findings;
  }

  private static String denied(String verb, Needed resource) {
    return "the service account may not " + verb + " " + resource.qualified()
        + ": add it to the ClusterRole (see " + CLUSTER_ROLE + ")";
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (cause != e && cause.getMessage() != null && !text.contains(cause.getMessage())) {
      text += " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    }
    return text;
  }
}
