package dev.corvus.dns.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The test cluster: the objects every test expects, written through the API as the controllers
 * would. Kept small and spelled out so that each expected answer can be checked by eye.
 */
final class Fixtures {

  private Fixtures() {}

  /** A port as {@code name/protocol/port}. */
  record Port(String name, String protocol, int port) {}

  /** An endpoint: address, hostname (or null), pod name (or null), ready. */
  record Ep(String address, String hostname, String pod, boolean ready) {}

  static Port port(String name, String protocol, int port) {
    return new Port(name, protocol, port);
  }

  static Ep ep(String address, String hostname, String pod, boolean ready) {
    return new Ep(address, hostname, pod, ready);
  }

  static Service clusterIp(String namespace, String name, List<String> ips, Map<String, String> labels, Port... ports) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(ips.get(0))
        .withClusterIPs(ips)
        .withSelector(Map.of("app", name))
        .withPorts(servicePorts(ports))
        .endSpec()
        .build();
  }

  static Service headless(String namespace, String name, Port... ports) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("None")
        .withSelector(Map.of("app", name))
        .withPorts(servicePorts(ports))
        .endSpec()
        .build();
  }

  static Service externalName(String namespace, String name, String target) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName(target).endSpec()
        .build();
  }

  private static List<io.fabric8.kubernetes.api.model.ServicePort> servicePorts(Port... ports) {
    List<io.fabric8.kubernetes.api.model.ServicePort> list = new ArrayList<>();
    for (Port p : ports) {
      list.add(new ServicePortBuilder().withName(p.name()).withProtocol(p.protocol()).withPort(p.port()).build());
    }
    return list;
  }

  static EndpointSlice slice(String namespace, String service, String sliceName, String family, List<Port> ports, Ep... endpoints) {
    EndpointSliceBuilder builder =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(sliceName)
            .withLabels(Map.of(Projection.SERVICE_NAME_LABEL, service))
            .endMetadata()
            .withAddressType(family);
    for (Port p : ports) {
      builder.addToPorts(new EndpointPortBuilder().withName(p.name()).withProtocol(p.protocol()).withPort(p.port()).build());
    }
    for (Ep e : endpoints) {
      EndpointBuilder endpoint =
          new EndpointBuilder().withAddresses(e.address()).withNewConditions().withReady(e.ready()).endConditions();
      if (e.hostname() != null) {
        endpoint.withHostname(e.hostname());
      }
      if (e.pod() != null) {
        endpoint.withNewTargetRef().withKind("Pod").withNamespace(namespace).withName(e.pod()).endTargetRef();
      }
      builder.addToEndpoints(endpoint.build());
    }
    return builder.build();
  }

  /** Creates the standard test cluster through {@code client}. */
  static void populate(KubernetesClient client) {
    namespace(client, "default", Map.of());
    namespace(client, "kube-system", Map.of());
    namespace(client, "team-a", Map.of("env", "prod"));
    create(client, clusterIp("default", "kubernetes", List.of("10.96.0.1"), Map.of("component", "apiserver"), port("https", "TCP", 443)));
    create(client, clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"), Map.of("k8s-app", "kube-dns"),
        port("dns", "UDP", 53), port("dns-tcp", "TCP", 53), port("metrics", "TCP", 9153)));
    create(client, slice("kube-system", "kube-dns", "kube-dns-a", "IPv4",
        List.of(port("dns", "UDP", 53), port("dns-tcp", "TCP", 53), port("metrics", "TCP", 9153)),
        ep("10.244.0.5", null, "coredns-1", true), ep("10.244.0.6", null, "coredns-2", true)));
    create(client, clusterIp("team-a", "web", List.of("10.96.1.1"), Map.of("app", "web"),
        port("http", "TCP", 80), port("https", "TCP", 443)));
    create(client, slice("team-a", "web", "web-a", "IPv4", List.of(port("http", "TCP", 8080), port("https", "TCP", 8443)),
        ep("10.244.3.1", null, "web-1", true)));
    create(client, clusterIp("team-a", "dual", List.of("10.96.1.2", "fd00::2"), Map.of(), port("http", "TCP", 80)));
    create(client, clusterIp("team-a", "empty", List.of("10.96.1.3"), Map.of(), port("http", "TCP", 80)));
    create(client, headless("team-a", "db", port("postgres", "TCP", 5432)));
    // Two IPv4 slices and an IPv6 slice for one Service; db-2 is not ready.
    create(client, slice("team-a", "db", "db-1", "IPv4", List.of(port("postgres", "TCP", 5432)),
        ep("10.244.1.10", "db-0", "db-0", true), ep("10.244.1.11", "db-1", "db-1", true), ep("10.244.1.12", "db-2", "db-2", false)));
    create(client, slice("team-a", "db", "db-2", "IPv4", List.of(port("postgres", "TCP", 5432)),
        ep("10.244.2.20", null, "db-x", true)));
    create(client, slice("team-a", "db", "db-3", "IPv6", List.of(port("postgres", "TCP", 5432)),
        ep("fd00::20", null, "db-y", true)));
    create(client, externalName("team-a", "alias", "web.team-a.svc.cluster.local"));
    create(client, externalName("team-a", "outside", "example.org"));
    client.pods().resource(new PodBuilder()
        .withNewMetadata().withNamespace("team-a").withName("db-0").endMetadata()
        .withNewStatus().withPodIP("10.244.1.10").addNewPodIP("10.244.1.10").endStatus()
        .build()).create();
  }

  static void namespace(KubernetesClient client, String name, Map<String, String> labels) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build()).create();
  }

  static void create(KubernetesClient client, Service service) {
    client.services().resource(service).create();
  }

  static void create(KubernetesClient client, EndpointSlice slice) {
    client.discovery().v1().endpointSlices().resource(slice).create();
  }
}
