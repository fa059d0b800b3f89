package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests the distribution ships, read into fabric8 model objects: each must carry
 * what the standard CoreDNS add-on carries, so replacing CoreDNS changes no Service, probe, label
 * or Corefile.
 */
class ManifestsTest {

  private static final Path MANIFESTS =
      Path.of(System.getProperty("basedir", "."), "src/main/dist/kubernetes");

  // ---- cluster DNS (Deployment coredns) ----

  @Test
  void clusterDnsShipsTheObjectsOfTheCoreDnsAddOn() throws IOException {
    Map<String, HasMetadata> objects = load("cluster-dns");
    assertEquals(
        Set.of("ServiceAccount/coredns", "ClusterRole/system:coredns",
            "ClusterRoleBinding/system:coredns", "ConfigMap/coredns", "Deployment/coredns",
            "Service/kube-dns", "PodDisruptionBudget/coredns"),
        objects.keySet());
    for (HasMetadata object : objects.values()) {
      boolean clusterScoped = object instanceof ClusterRole || object instanceof ClusterRoleBinding;
      assertEquals(clusterScoped ? null : "kube-system", object.getMetadata().getNamespace(),
          object.getKind() + " namespace");
    }
  }

  @Test
  void configMapHoldsTheCurrentKubeadmCorefileUnchanged() throws IOException {
    ConfigMap configMap = the(load("cluster-dns"), ConfigMap.class);
    assertEquals(Set.of("Corefile"), configMap.getData().keySet());
    assertEquals(resource("/corefile-kubernetes-current"), configMap.getData().get("Corefile"));
  }

  @Test
  void deploymentIsLabelledAndScheduledAsTheCoreDnsAddOn() throws IOException {
    Deployment deployment = the(load("cluster-dns"), Deployment.class);
    assertEquals("kube-dns", deployment.getMetadata().getLabels().get("k8s-app"));
    assertEquals(2, deployment.getSpec().getReplicas());
    assertEquals(Map.of("k8s-app", "kube-dns"), deployment.getSpec().getSelector().getMatchLabels());
    assertEquals("kube-dns", deployment.getSpec().getTemplate().getMetadata().getLabels().get("k8s-app"));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertEquals("system-cluster-critical", pod.getPriorityClassName());
    assertEquals("coredns", pod.getServiceAccountName());
    assertEquals("Default", pod.getDnsPolicy(), "upstream resolvers are the node's, not itself");
    List<WeightedPodAffinityTerm> antiAffinity =
        pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    assertEquals(1, antiAffinity.size());
    var term = antiAffinity.get(0).getPodAffinityTerm();
    assertEquals("kubernetes.io/hostname", term.getTopologyKey());
    var expression = term.getLabelSelector().getMatchExpressions().get(0);
    assertEquals("k8s-app", expression.getKey());
    assertEquals("In", expression.getOperator());
    assertEquals(List.of("kube-dns"), expression.getValues());
    assertTrue(pod.getTolerations().stream().anyMatch(t -> "CriticalAddonsOnly".equals(t.getKey())));
  }

  @Test
  void deploymentServesTheCorefileFromTheConfigMap() throws IOException {
    PodSpec pod = the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec();
    Container corvus = only(pod.getContainers());
    assertEquals(List.of("-conf", "/etc/coredns/Corefile"), corvus.getArgs());
    VolumeMount config = mount(corvus, "/etc/coredns");
    assertTrue(config.getReadOnly());
    Volume volume = volume(pod, config.getName());
    assertEquals("coredns", volume.getConfigMap().getName());
    assertEquals("Corefile", volume.getConfigMap().getItems().get(0).getKey());
    assertEquals("Corefile", volume.getConfigMap().getItems().get(0).getPath());
  }

  @Test
  void probesAskTheHealthAndReadyEndpointsTheCorefileOpens() throws IOException {
    Container corvus = only(the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers());
    String corefile = the(load("cluster-dns"), ConfigMap.class).getData().get("Corefile");
    // `health` and `ready` without an address listen on :8080 and :8181 (CoreDNS's defaults).
    assertTrue(corefile.contains("\n    health {"), corefile);
    assertTrue(corefile.contains("\n    ready\n"), corefile);
    HTTPGetAction liveness = corvus.getLivenessProbe().getHttpGet();
    assertEquals("/health", liveness.getPath());
    assertEquals(8080, liveness.getPort().getIntVal());
    assertEquals("HTTP", liveness.getScheme());
    assertEquals(60, corvus.getLivenessProbe().getInitialDelaySeconds());
    assertEquals(5, corvus.getLivenessProbe().getFailureThreshold());
    HTTPGetAction readiness = corvus.getReadinessProbe().getHttpGet();
    assertEquals("/ready", readiness.getPath());
    assertEquals(8181, readiness.getPort().getIntVal());
  }

  @Test
  void containerDeclaresDnsMetricsAndProbePorts() throws IOException {
    Container corvus = only(the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers());
    assertEquals(
        Map.of("dns", "53/UDP", "dns-tcp", "53/TCP", "metrics", "9153/TCP",
            "liveness-probe", "8080/TCP", "readiness-probe", "8181/TCP"),
        containerPorts(corvus));
    String corefile = the(load("cluster-dns"), ConfigMap.class).getData().get("Corefile");
    assertTrue(corefile.contains("prometheus :9153"), "metrics port matches the Corefile");
  }

  @Test
  void podBindsPort53WithoutAnyCapabilityOnAReadOnlyRoot() throws IOException {
    PodSpec pod = the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec();
    PodSecurityContext podSecurity = pod.getSecurityContext();
    assertTrue(podSecurity.getRunAsNonRoot());
    assertTrue(podSecurity.getRunAsUser() > 0);
    assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType());
    Sysctl sysctl = only(podSecurity.getSysctls());
    assertEquals("net.ipv4.ip_unprivileged_port_start", sysctl.getName());
    assertEquals("53", sysctl.getValue());
    SecurityContext security = only(pod.getContainers()).getSecurityContext();
    assertTrue(security.getReadOnlyRootFilesystem());
    assertFalse(security.getAllowPrivilegeEscalation());
    Capabilities capabilities = security.getCapabilities();
    assertEquals(List.of("ALL"), capabilities.getDrop());
    assertTrue(capabilities.getAdd() == null || capabilities.getAdd().isEmpty(), "no capability added");
    assertTrue(pod.getHostNetwork() == null || !pod.getHostNetwork(),
        "the sysctl is only allowed in the pod's own network namespace");
  }

  @Test
  void onlyTmpIsWritableAndItIsSmall() throws IOException {
    PodSpec pod = the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec();
    Container corvus = only(pod.getContainers());
    List<VolumeMount> writable = corvus.getVolumeMounts().stream()
        .filter(m -> m.getReadOnly() == null || !m.getReadOnly()).toList();
    assertEquals(List.of("/tmp"), writable.stream().map(VolumeMount::getMountPath).toList());
    Volume tmp = volume(pod, writable.get(0).getName());
    assertNotNull(tmp.getEmptyDir());
    assertEquals(new Quantity("16Mi"), tmp.getEmptyDir().getSizeLimit());
  }

  @Test
  void memoryRequestAndLimitAreSet() throws IOException {
    Container corvus = only(the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers());
    Quantity request = corvus.getResources().getRequests().get("memory");
    Quantity limit = corvus.getResources().getLimits().get("memory");
    assertNotNull(request);
    assertNotNull(limit);
    assertNotNull(corvus.getResources().getRequests().get("cpu"));
    assertTrue(request.getNumericalAmount().compareTo(limit.getNumericalAmount()) < 0,
        "request " + request + " below limit " + limit);
    // No CPU limit: bin/corvus sizes its I/O threads from the CPU request, rounded up to whole CPUs
    assertNull(corvus.getResources().getLimits().get("cpu"));
    io.fabric8.kubernetes.api.model.ResourceFieldSelector cpus = corvus.getEnv().stream()
        .filter(env -> env.getName().equals("CORVUS_CPUS")).findFirst().orElseThrow()
        .getValueFrom().getResourceFieldRef();
    assertEquals("requests.cpu", cpus.getResource());
    assertEquals("1", cpus.getDivisor().toString());
  }

  @Test
  void serviceSelectsThePodsOnDnsAndMetricsPorts() throws IOException {
    Map<String, HasMetadata> objects = load("cluster-dns");
    Service service = the(objects, Service.class);
    assertEquals("kube-dns", service.getMetadata().getName());
    assertEquals("kube-dns", service.getMetadata().getLabels().get("k8s-app"));
    assertEquals(Map.of("k8s-app", "kube-dns"), service.getSpec().getSelector());
    assertEquals("CLUSTER_DNS_IP", service.getSpec().getClusterIP(), "placeholder, as coredns.yaml.sed");
    assertEquals(Map.of("dns", "53/UDP->53", "dns-tcp", "53/TCP->53", "metrics", "9153/TCP->9153"),
        servicePorts(service));
    assertEquals("9153", service.getMetadata().getAnnotations().get("prometheus.io/port"));
    Map<String, String> podLabels =
        the(objects, Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
  }

  @Test
  void clusterRoleLetsThePluginListAndWatchWhatItWatches() throws IOException {
    ClusterRole role = the(load("cluster-dns"), ClusterRole.class);
    for (String resource : List.of("services", "pods", "namespaces", "endpoints")) {
      assertTrue(grants(role, "", resource), resource);
    }
    assertTrue(grants(role, "discovery.k8s.io", "endpointslices"));
    assertTrue(grants(role, "multicluster.x-k8s.io", "serviceimports"), "for the multicluster option");
    for (PolicyRule rule : role.getRules()) {
      assertEquals(List.of("list", "watch"), rule.getVerbs(), "read-only: " + rule);
    }
  }

  @Test
  void bindingGivesTheRoleToTheServiceAccountTheDeploymentUses() throws IOException {
    Map<String, HasMetadata> objects = load("cluster-dns");
    ClusterRoleBinding binding = the(objects, ClusterRoleBinding.class);
    assertEquals("ClusterRole", binding.getRoleRef().getKind());
    assertEquals(the(objects, ClusterRole.class).getMetadata().getName(), binding.getRoleRef().getName());
    var subject = only(binding.getSubjects());
    assertEquals("ServiceAccount", subject.getKind());
    assertEquals(the(objects, ServiceAccount.class).getMetadata().getName(), subject.getName());
    assertEquals("kube-system", subject.getNamespace());
    assertEquals(subject.getName(),
        the(objects, Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName());
  }

  // ---- node-local cache (DaemonSet node-local-dns) ----

  @Test
  void nodeLocalCacheShipsTheObjectsOfNodeLocalDns() throws IOException {
    Map<String, HasMetadata> objects = load("node-local-dns");
    assertEquals(
        Set.of("ServiceAccount/node-local-dns", "Service/kube-dns-upstream", "ConfigMap/node-local-dns",
            "DaemonSet/node-local-dns", "Service/node-local-dns"),
        objects.keySet());
  }

  @Test
  void nodeLocalDaemonSetRunsOnTheHostNetworkSettingUpItsAddressWithNetAdmin() throws IOException {
    DaemonSet daemonSet = the(load("node-local-dns"), DaemonSet.class);
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    assertTrue(pod.getHostNetwork());
    assertEquals("Default", pod.getDnsPolicy());
    assertEquals("system-node-critical", pod.getPriorityClassName());
    Container cache = only(pod.getContainers());
    SecurityContext security = cache.getSecurityContext();
    assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
    assertEquals(List.of("NET_BIND_SERVICE", "NET_ADMIN"), security.getCapabilities().getAdd());
    assertTrue(security.getReadOnlyRootFilesystem());
    // corvus node-local run: the address and NOTRACK rules, then the server (NodeLocalIT runs it)
    assertEquals(List.of("node-local", "run", "--ip", "169.254.20.10", "--", "-conf", "/etc/coredns/Corefile"),
        cache.getArgs());
    assertTrue(pod.getInitContainers() == null || pod.getInitContainers().isEmpty());
    assertEquals("/run/xtables.lock", volume(pod, mount(cache, "/run/xtables.lock").getName()).getHostPath().getPath());
    assertFalse(security.getAllowPrivilegeEscalation());
    HTTPGetAction liveness = cache.getLivenessProbe().getHttpGet();
    assertEquals("169.254.20.10", liveness.getHost());
    assertEquals("/health", liveness.getPath());
    assertEquals(8080, liveness.getPort().getIntVal());
    assertEquals(Map.of("dns", "53/UDP", "dns-tcp", "53/TCP", "metrics", "9253/TCP"), containerPorts(cache));
    Volume config = volume(pod, mount(cache, "/etc/coredns").getName());
    assertEquals("node-local-dns", config.getConfigMap().getName());
  }

  @Test
  void nodeLocalCorefileListensOnTheLinkLocalAddressAndForwardsTheClusterZoneOverTcp()
      throws IOException {
    String corefile = the(load("node-local-dns"), ConfigMap.class).getData().get("Corefile");
    List<String> blocks = Stream.of(corefile.split("\n}\n")).map(String::strip)
        .filter(Predicate.not(String::isEmpty)).toList();
    assertEquals(List.of("cluster.local:53", "in-addr.arpa:53", "ip6.arpa:53", ".:53"),
        blocks.stream().map(b -> b.substring(0, b.indexOf(' '))).toList());
    for (String block : blocks) {
      assertTrue(block.contains("\n    bind 169.254.20.10\n"), block);
      assertTrue(block.contains("\n    cache"), block);
      assertTrue(block.lines().anyMatch("    prometheus :9253"::equals), block);
      boolean clusterZone = !block.startsWith(".:53");
      String forward = "forward . {$KUBE_DNS_UPSTREAM_SERVICE_HOST} {\n        force_tcp\n    }";
      assertEquals(clusterZone, block.contains(forward), block);
      assertEquals(!clusterZone, block.contains("forward . /etc/resolv.conf"), block);
    }
    assertTrue(blocks.get(0).contains("health 169.254.20.10:8080"));
  }

  @Test
  void nodeLocalUpstreamServiceSelectsTheClusterDnsPods() throws IOException {
    Map<String, HasMetadata> objects = load("node-local-dns");
    Service upstream = (Service) objects.get("Service/kube-dns-upstream");
    assertEquals(Map.of("k8s-app", "kube-dns"), upstream.getSpec().getSelector());
    assertNull(upstream.getSpec().getClusterIP(), "allocated by the cluster");
    assertEquals(Map.of("dns", "53/UDP->53", "dns-tcp", "53/TCP->53"), servicePorts(upstream));
    Service metrics = (Service) objects.get("Service/node-local-dns");
    assertEquals("None", metrics.getSpec().getClusterIP());
    assertEquals(Map.of("k8s-app", "node-local-dns"), metrics.getSpec().getSelector());
    assertEquals(Map.of("metrics", "9253/TCP->9253"), servicePorts(metrics));
    DaemonSet daemonSet = the(objects, DaemonSet.class);
    assertEquals(metrics.getSpec().getSelector(), daemonSet.getSpec().getSelector().getMatchLabels());
  }

  // ---- scaling out ----

  @Test
  void aDisruptionTakesAtMostOneReplicaAndReplicasSpreadOverNodesAndZones() throws IOException {
    Map<String, HasMetadata> objects = load("cluster-dns");
    PodDisruptionBudget budget = the(objects, PodDisruptionBudget.class);
    Deployment deployment = the(objects, Deployment.class);
    assertEquals(deployment.getSpec().getSelector(), budget.getSpec().getSelector());
    assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    TopologySpreadConstraint zones = only(pod.getTopologySpreadConstraints());
    assertEquals("topology.kubernetes.io/zone", zones.getTopologyKey());
    assertEquals("ScheduleAnyway", zones.getWhenUnsatisfiable(), "a single-zone cluster still schedules");
    assertEquals(Map.of("k8s-app", "kube-dns"), zones.getLabelSelector().getMatchLabels());
    assertEquals("kubernetes.io/hostname", only(pod.getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()).getPodAffinityTerm().getTopologyKey());
  }

  @Test
  void theProportionalAutoscalerScalesTheDeploymentAsTheDnsAutoscalerAddOn() throws IOException {
    Map<String, HasMetadata> objects = load("scaling/proportional");
    assertEquals(Set.of("ServiceAccount/kube-dns-autoscaler", "ClusterRole/system:kube-dns-autoscaler",
        "ClusterRoleBinding/system:kube-dns-autoscaler", "Deployment/kube-dns-autoscaler"), objects.keySet());
    Container autoscaler = only(the(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers());
    List<String> command = autoscaler.getCommand();
    assertTrue(command.contains("--namespace=kube-system"), command.toString());
    assertTrue(command.contains("--target=Deployment/coredns"), command.toString());
    String params = command.stream().filter(a -> a.startsWith("--default-params=")).findFirst()
        .orElseThrow().substring("--default-params=".length());
    Map<?, ?> linear = (Map<?, ?>) new KubernetesSerialization().unmarshal(params, Map.class).get("linear");
    assertEquals(256, ((Number) linear.get("coresPerReplica")).intValue());
    assertEquals(16, ((Number) linear.get("nodesPerReplica")).intValue());
    assertEquals(Boolean.TRUE, linear.get("preventSinglePointFailure"));
    assertEquals("kube-dns-autoscaler",
        the(objects, Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName());
    ClusterRole role = the(objects, ClusterRole.class);
    assertTrue(grants(role, "", "nodes", "list") && grants(role, "", "nodes", "watch"), "counts the nodes");
    assertTrue(grants(role, "apps", "deployments/scale", "get") && grants(role, "apps", "deployments/scale", "update"),
        "sets the Deployment's scale");
    assertTrue(grants(role, "", "configmaps", "create"), "creates its ConfigMap from --default-params");
    ClusterRoleBinding binding = the(objects, ClusterRoleBinding.class);
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals("kube-dns-autoscaler", only(binding.getSubjects()).getName());
    assertEquals("kube-system", only(binding.getSubjects()).getNamespace());
  }

  @Test
  void theHpaAlternativeScalesTheDeploymentOnCpuWithTheDeploymentsRequest() throws IOException {
    HorizontalPodAutoscaler hpa = the(load("scaling/hpa"), HorizontalPodAutoscaler.class);
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    assertEquals("coredns", hpa.getSpec().getScaleTargetRef().getName());
    assertEquals("kube-system", hpa.getMetadata().getNamespace());
    assertEquals(2, hpa.getSpec().getMinReplicas());
    assertEquals("cpu", only(hpa.getSpec().getMetrics()).getResource().getName());
    Container corvus = only(the(load("cluster-dns"), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers());
    assertNotNull(corvus.getResources().getRequests().get("cpu"), "utilization needs a CPU request");
  }

  private static boolean grants(ClusterRole role, String group, String resource, String verb) {
    return role.getRules().stream().anyMatch(rule -> rule.getApiGroups().contains(group)
        && rule.getResources().contains(resource) && rule.getVerbs().contains(verb));
  }

  // ---- helpers ----

  /** Every manifest of a directory, by "Kind/name"; each file holds exactly one object. */
  private static Map<String, HasMetadata> load(String directory) throws IOException {
    Map<String, HasMetadata> objects = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(MANIFESTS.resolve(directory))) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no manifests in " + MANIFESTS.resolve(directory));
    for (Path file : files) {
      Object parsed;
      try (InputStream in = Files.newInputStream(file)) {
        parsed = new KubernetesSerialization().unmarshal(in);
      }
      HasMetadata object = assertInstanceOf(HasMetadata.class, parsed, file + " is one Kubernetes object");
      String key = object.getKind() + "/" + object.getMetadata().getName();
      assertNull(objects.put(key, object), key + " defined twice");
    }
    return objects;
  }

  private static <T extends HasMetadata> T the(Map<String, HasMetadata> objects, Class<T> kind) {
    List<T> matching = objects.values().stream().filter(kind::isInstance).map(kind::cast).toList();
    return only(matching);
  }

  private static <T> T only(List<T> list) {
    assertNotNull(list);
    assertEquals(1, list.size(), "exactly one: " + list);
    return list.get(0);
  }

  private static VolumeMount mount(Container container, String path) {
    return only(container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).toList());
  }

  private static Volume volume(PodSpec pod, String name) {
    return only(pod.getVolumes().stream().filter(v -> v.getName().equals(name)).toList());
  }

  private static Map<String, String> containerPorts(Container container) {
    return container.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName,
        p -> p.getContainerPort() + "/" + p.getProtocol()));
  }

  private static Map<String, String> servicePorts(Service service) {
    return service.getSpec().getPorts().stream().collect(Collectors.toMap(ServicePort::getName,
        p -> p.getPort() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol()) + "->"
            + p.getTargetPort().getIntVal()));
  }

  private static boolean grants(ClusterRole role, String group, String resource) {
    return role.getRules().stream().anyMatch(rule -> rule.getApiGroups().contains(group)
        && rule.getResources().contains(resource)
        && rule.getVerbs().containsAll(List.of("list", "watch")));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ManifestsTest.class.getResourceAsStream(name)) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
