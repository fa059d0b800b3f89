package dev.corvus.dns.plugin.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the Kubernetes objects of one file of the offline source: a single object, multi-document
 * YAML, a JSON object or a {@code kind: List}. Services, EndpointSlices, Pods and Namespaces come
 * back as fabric8 model objects holding the fields DNS reads ({@link Projection}), ServiceImports
 * ({@code multicluster.x-k8s.io}) as generic resources with their {@code spec}; other kinds are
 * skipped.
 *
 * <p>The objects are filled field by field from the parsed tree rather than by fabric8's
 * deserializer, which builds a deserializer for the model's whole object graph (pod specs,
 * containers, volumes...) on first use: for the four small files of the demo cluster that took
 * about two seconds of start-up, against a tenth of a second for the tree.
 */
final class ObjectFiles {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private ObjectFiles() {}

  /** The objects DNS uses from {@code file}, in file order. */
  static List<HasMetadata> read(Path file) throws IOException {
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = (json ? JSON : YAML).readerFor(JsonNode.class).readValues(file.toFile())) {
      while (documents.hasNextValue()) {
        collect(documents.nextValue(), objects);
      }
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
    return objects;
  }

  private static void collect(JsonNode node, List<HasMetadata> into) {
    if (node == null || !node.isObject()) {
      return;
    }
    String kind = node.path("kind").asText("");
    switch (kind) {
      case "Service" -> into.add(service(node));
      case "EndpointSlice" -> into.add(slice(node));
      case "Pod" -> into.add(pod(node));
      case "ServiceImport" -> {
        GenericKubernetesResource serviceImport = new GenericKubernetesResource();
        serviceImport.setKind(kind);
        serviceImport.setApiVersion(text(node, "apiVersion"));
        serviceImport.setMetadata(metadata(node));
        if (node.path("spec").isObject()) {
          serviceImport.setAdditionalProperty("spec", JSON.convertValue(node.path("spec"), Map.class));
        }
        into.add(serviceImport);
      }
      case "Namespace" -> {
        Namespace namespace = new Namespace();
        namespace.setMetadata(metadata(node));
        into.add(namespace);
      }
      default -> {
        if (kind.endsWith("List")) {
          node.path("items").forEach(item -> collect(item, into));
        }
      }
    }
  }

  private static ObjectMeta metadata(JsonNode node) {
    JsonNode metadata = node.path("metadata");
    ObjectMeta meta = new ObjectMeta();
    meta.setName(text(metadata, "name"));
    meta.setNamespace(text(metadata, "namespace"));
    if (metadata.has("labels")) {
      Map<String, String> labels = new LinkedHashMap<>();
      metadata.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      meta.setLabels(labels);
    }
    return meta;
  }

  private static Service service(JsonNode node) {
    Service service = new Service();
    service.setMetadata(metadata(node));
    JsonNode spec = node.path("spec");
    if (spec.isObject()) {
      ServiceSpec serviceSpec = new ServiceSpec();
      serviceSpec.setType(text(spec, "type"));
      serviceSpec.setClusterIP(text(spec, "clusterIP"));
      serviceSpec.setClusterIPs(texts(spec.path("clusterIPs")));
      serviceSpec.setExternalName(text(spec, "externalName"));
      serviceSpec.setExternalIPs(texts(spec.path("externalIPs")));
      if (spec.has("selector")) {
        Map<String, String> selector = new LinkedHashMap<>();
        spec.path("selector").properties().forEach(e -> selector.put(e.getKey(), e.getValue().asText()));
        serviceSpec.setSelector(selector);
      }
      serviceSpec.setPorts(list(spec.path("ports"), port -> {
        io.fabric8.kubernetes.api.model.ServicePort servicePort = new io.fabric8.kubernetes.api.model.ServicePort();
        servicePort.setName(text(port, "name"));
        servicePort.setProtocol(text(port, "protocol"));
        servicePort.setPort(integer(port, "port"));
        return servicePort;
      }));
      service.setSpec(serviceSpec);
    }
    JsonNode ingress = node.path("status").path("loadBalancer").path("ingress");
    if (ingress.isArray()) {
      LoadBalancerStatus loadBalancer = new LoadBalancerStatus();
      loadBalancer.setIngress(list(ingress, entry -> {
        LoadBalancerIngress address = new LoadBalancerIngress();
        address.setIp(text(entry, "ip"));
        address.setHostname(text(entry, "hostname"));
        return address;
      }));
      ServiceStatus status = new ServiceStatus();
      status.setLoadBalancer(loadBalancer);
      service.setStatus(status);
    }
    return service;
  }

  private static EndpointSlice slice(JsonNode node) {
    EndpointSlice slice = new EndpointSlice();
    slice.setMetadata(metadata(node));
    slice.setAddressType(text(node, "addressType"));
    slice.setPorts(list(node.path("ports"), port -> {
      EndpointPort endpointPort = new EndpointPort();
      endpointPort.setName(text(port, "name"));
      endpointPort.setProtocol(text(port, "protocol"));
      endpointPort.setPort(integer(port, "port"));
      return endpointPort;
    }));
    slice.setEndpoints(list(node.path("endpoints"), entry -> {
      Endpoint endpoint = new Endpoint();
      endpoint.setAddresses(texts(entry.path("addresses")));
      endpoint.setHostname(text(entry, "hostname"));
      JsonNode ready = entry.path("conditions").path("ready");
      if (ready.isBoolean()) {
        EndpointConditions conditions = new EndpointConditions();
        conditions.setReady(ready.asBoolean());
        endpoint.setConditions(conditions);
      }
      if (entry.path("targetRef").has("name")) {
        ObjectReference target = new ObjectReference();
        target.setKind(text(entry.path("targetRef"), "kind"));
        target.setName(text(entry.path("targetRef"), "name"));
        endpoint.setTargetRef(target);
      }
      return endpoint;
    }));
    return slice;
  }

  private static Pod pod(JsonNode node) {
    Pod pod = new Pod();
    pod.setMetadata(metadata(node));
    JsonNode status = node.path("status");
    if (status.isObject()) {
      PodStatus podStatus = new PodStatus();
      podStatus.setPodIP(text(status, "podIP"));
      podStatus.setPodIPs(list(status.path("podIPs"), entry -> new PodIP(text(entry, "ip"))));
      pod.setStatus(podStatus);
    }
    return pod;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Integer integer(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.canConvertToInt() ? null : value.asInt();
  }

  private static List<String> texts(JsonNode array) {
    return array.isArray() ? list(array, JsonNode::asText) : null;
  }

  private static <T> List<T> list(JsonNode array, Function<JsonNode, T> element) {
    if (!array.isArray()) {
      return new ArrayList<>();
    }
    List<T> list = new ArrayList<>(array.size());
    array.forEach(item -> list.add(element.apply(item)));
    return list;
  }
}
