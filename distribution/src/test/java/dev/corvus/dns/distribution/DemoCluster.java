package dev.corvus.dns.distribution;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A small cluster served by fabric8's mock API server in CRUD mode (real HTTP lists and watches):
 * the API server the distribution's kubernetes plugin talks to in the end-to-end test. Every object
 * is spelled out here so each expected answer can be checked by eye.
 *
 * <ul>
 *   <li>{@code team-a/web}: ClusterIP 10.96.1.1, port http 80/TCP, one endpoint 10.244.3.1;
 *   <li>{@code team-a/db}: headless, port postgres 5432/TCP, ready endpoints db-0 (10.244.1.10)
 *       and db-1 (10.244.1.11), not-ready db-2 (10.244.1.12);
 *   <li>{@code team-a/outside}: ExternalName {@code example.org};
 *   <li>{@code kube-system/kube-dns} and {@code default/kubernetes}, as every cluster has them.
 * </ul>
 */
final class DemoCluster implements AutoCloseable {

  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  DemoCluster() {
    server = new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    populate();
  }

  /** Writes a kubeconfig whose current context reaches this API server, as a user with a token. */
  Path writeKubeconfig(Path directory) throws IOException {
    String url = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    return Files.writeString(directory.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: demo
          cluster:
            server: %s
        users:
        - name: corvus
          user:
            token: demo-token
        contexts:
        - name: demo
          context:
            cluster: demo
            user: corvus
        current-context: demo
        """.formatted(url));
  }

  private void populate() {
    for (String namespace : new String[] {"default", "kube-system", "team-a"}) {
      client.namespaces().resource(
          new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }
    create(clusterIp("default", "kubernetes", "10.96.0.1", "https", 443));
    create(clusterIp("kube-system", "kube-dns", "10.96.0.10", "dns-tcp", 53));
    create(slice("kube-system", "kube-dns", "dns-tcp", 53,
        endpoint("10.244.0.5", null, true), endpoint("10.244.0.6", null, true)));
    create(clusterIp("team-a", "web", "10.96.1.1", "http", 80));
    create(slice("team-a", "web", "http", 8080, endpoint("10.244.3.1", null, true)));
    create(new ServiceBuilder()
        .withNewMetadata().withNamespace("team-a").withName("db").endMetadata()
        .withNewSpec().withClusterIP("None").withSelector(Map.of("app", "db"))
        .withPorts(new ServicePortBuilder().withName("postgres").withProtocol("TCP").withPort(5432).build())
        .endSpec().build());
    create(slice("team-a", "db", "postgres", 5432,
        endpoint("10.244.1.10", "db-0", true),
        endpoint("10.244.1.11", "db-1", true),
        endpoint("10.244.1.12", "db-2", false)));
    create(new ServiceBuilder()
        .withNewMetadata().withNamespace("team-a").withName("outside").endMetadata()
        .withNewSpec().withType("ExternalName").withExternalName("example.org").endSpec().build());
    client.pods().resource(new PodBuilder()
        .withNewMetadata().withNamespace("team-a").withName("db-0").endMetadata()
        .withNewStatus().withPodIP("10.244.1.10").addNewPodIP("10.244.1.10").endStatus()
        .build()).create();
  }

  private static Service clusterIp(String namespace, String name, String ip, String portName, int port) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(ip).addToClusterIPs(ip)
        .withSelector(Map.of("app", name))
        .withPorts(new ServicePortBuilder().withName(portName).withProtocol("TCP").withPort(port).build())
        .endSpec().build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(
      String address, String hostname, boolean ready) {
    EndpointBuilder endpoint =
        new EndpointBuilder().withAddresses(address).withNewConditions().withReady(ready).endConditions();
    return hostname == null ? endpoint.build() : endpoint.withHostname(hostname).build();
  }

  private static EndpointSlice slice(String namespace, String service, String portName, int port,
      io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(service + "-1")
        .withLabels(Map.of(SERVICE_NAME_LABEL, service)).endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(portName).withProtocol("TCP").withPort(port).endPort()
        .withEndpoints(endpoints)
        .build();
  }

  private void create(Service service) {
    client.services().resource(service).create();
  }

  private void create(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().resource(slice).create();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
