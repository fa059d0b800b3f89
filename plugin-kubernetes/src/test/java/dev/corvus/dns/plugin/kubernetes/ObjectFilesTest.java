package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline source's reader yields what fabric8's full deserializer yields, for every field DNS reads. */
class ObjectFilesTest {

  private static final String DUMP = """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec: {replicas: 2}
      - apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec:
          type: LoadBalancer
          clusterIP: 10.96.5.5
          clusterIPs: [10.96.5.5, "fd00::5"]
          externalIPs: [198.51.100.7]
          selector: {app: web}
          ports:
          - {name: http, protocol: TCP, port: 80, targetPort: 8080}
          - {name: dns, protocol: UDP, port: 53}
        status:
          loadBalancer:
            ingress: [{ip: 203.0.113.9}, {hostname: lb.example.com}]
      - apiVersion: v1
        kind: Service
        metadata: {name: out, namespace: shop}
        spec: {type: ExternalName, externalName: db.example.com.}
      - apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-abc
          namespace: shop
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        ports: [{name: http, protocol: TCP, port: 8080}]
        endpoints:
        - addresses: [10.244.1.5]
          conditions: {ready: true}
          hostname: web-0
          targetRef: {kind: Pod, name: web-0, namespace: shop}
        - addresses: [10.244.1.6]
          conditions: {ready: false}
          targetRef: {kind: Pod, name: web-1-with-a-long-name, namespace: shop}
        - addresses: [10.244.1.7]
      - apiVersion: v1
        kind: Pod
        metadata: {name: web-0, namespace: shop}
        spec: {containers: [{name: app, image: nginx, ports: [{containerPort: 8080}]}]}
        status:
          podIP: 10.244.1.5
          podIPs: [{ip: 10.244.1.5}, {ip: "fd00::1:5"}]
      - apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {team: a}}
      """;

  @Test
  void aKubectlDumpGivesTheSameDnsViewsAsFabric8sDeserializer(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("dump.yaml"), DUMP);
    assertSameViews(ObjectFiles.read(file), fabric8(file));
  }

  @Test
  void theDemoClusterGivesTheSameDnsViewsAsFabric8sDeserializer() throws Exception {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(OfflineSourceTest.DEMO, "*.yaml")) {
      for (Path file : files) {
        assertSameViews(ObjectFiles.read(file), fabric8(file));
      }
    }
  }

  @Test
  void jsonAndMultiDocumentFilesAreRead(@TempDir Path dir) throws Exception {
    Path json = Files.writeString(dir.resolve("svc.json"),
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"namespace\":\"x\"},"
            + "\"spec\":{\"clusterIP\":\"10.96.0.9\"}}");
    assertSameViews(ObjectFiles.read(json), fabric8(json));
    Path documents = Files.writeString(dir.resolve("two.yml"),
        "kind: Namespace\nmetadata: {name: x}\n---\nkind: Namespace\nmetadata: {name: y}\n");
    assertEquals(2, ObjectFiles.read(documents).size());
  }

  @Test
  void aFileThatDoesNotParseIsAnIoError(@TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: Service\nmetadata: {name: [\n");
    assertThrows(IOException.class, () -> ObjectFiles.read(broken));
  }

  private static void assertSameViews(List<HasMetadata> ours, List<HasMetadata> theirs) {
    Projection projection = new Projection(true);
    assertEquals(views(projection, theirs), views(projection, ours));
  }

  private static List<Object> views(Projection projection, List<HasMetadata> objects) {
    List<Object> views = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object instanceof Service service) {
        views.add(projection.service(service));
      } else if (object instanceof EndpointSlice slice) {
        views.add(projection.slice(slice));
      } else if (object instanceof Pod pod) {
        views.add(projection.pod(pod));
      } else if (object instanceof Namespace namespace) {
        views.add(Projection.namespace(namespace) + " " + namespace.getMetadata().getLabels());
      }
    }
    return views;
  }

  /** The objects as fabric8's own deserializer reads them, the reference. */
  private static List<HasMetadata> fabric8(Path file) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      flatten(new KubernetesSerialization().unmarshal(in), objects);
    }
    return objects;
  }

  private static void flatten(Object parsed, List<HasMetadata> into) {
    if (parsed instanceof KubernetesResourceList<?> list) {
      list.getItems().forEach(item -> flatten(item, into));
    } else if (parsed instanceof List<?> documents) {
      documents.forEach(document -> flatten(document, into));
    } else if (parsed instanceof HasMetadata object) {
      into.add(object);
    }
  }
}
