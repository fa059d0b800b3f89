package dev.corvus.dns.plugin.kubernetes;

import static dev.corvus.dns.plugin.kubernetes.Fixtures.ep;
import static dev.corvus.dns.plugin.kubernetes.Fixtures.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializer;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link KindDecoders} against fabric8's own binding: every object of a corpus (realistic objects
 * with fields the plugin reads and many it does not, the objects of the conformance data taken from
 * CoreDNS's tests, the demo cluster, the test fixtures, and edge cases of shape) is decoded by a
 * plain fabric8 {@link KubernetesSerialization} and by the client's, through a streamed list and
 * through a watch event, and the plugin must see the same: the same projections into the index,
 * the same keys, resource versions, labels and annotations, and the same failures.
 */
class KindDecodersTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "Service", Service.class, "EndpointSlice", EndpointSlice.class, "Namespace", Namespace.class, "Pod", Pod.class);

  /**
   * The fields the plugin reads, as paths ({@code *} for any key of a map); a value of the wrong
   * shape in any of them must fail as fabric8's binding fails. {@code ""} is the object itself.
   */
  private static final Map<String, Set<String>> READ = Map.of(
      "Service", Set.of("", "metadata", "metadata.namespace", "metadata.name", "metadata.resourceVersion",
          "metadata.labels", "metadata.labels.*", "spec", "spec.type", "spec.clusterIP", "spec.clusterIPs",
          "spec.externalName", "spec.externalIPs", "spec.selector", "spec.selector.*", "spec.ports", "spec.ports.name",
          "spec.ports.protocol", "spec.ports.port", "status", "status.loadBalancer", "status.loadBalancer.ingress",
          "status.loadBalancer.ingress.ip", "status.loadBalancer.ingress.hostname"),
      "EndpointSlice", Set.of("", "metadata", "metadata.namespace", "metadata.name", "metadata.resourceVersion",
          "metadata.labels", "metadata.labels.*", "metadata.annotations", "metadata.annotations.*", "addressType",
          "ports", "ports.name", "ports.protocol", "ports.port", "endpoints", "endpoints.addresses", "endpoints.hostname",
          "endpoints.conditions", "endpoints.conditions.ready", "endpoints.targetRef", "endpoints.targetRef.name"),
      "Namespace", Set.of("", "metadata", "metadata.namespace", "metadata.name", "metadata.resourceVersion",
          "metadata.labels", "metadata.labels.*"),
      "Pod", Set.of("", "metadata", "metadata.namespace", "metadata.name", "metadata.resourceVersion", "status",
          "status.podIP", "status.podIPs", "status.podIPs.ip"));

  /** fabric8's binding, as without the decoders. */
  private final ObjectMapper plain = plainMapper();
  /** The client's mapper and serialization, decoders registered. */
  private final ObjectMapper mapper = new ObjectMapper();
  private final KubernetesSerialization serialization = KubernetesClients.serialization(mapper);

  /** fabric8's bean binding of {@link WatchEvent}, with the client's kinds registered and decoded. */
  private final ObjectMapper beanEvents = new ObjectMapper();
  private final KubernetesSerialization beanEventSerialization = beanEventSerialization(beanEvents);

  /** One object of the corpus, as JSON. */
  record Sample(String origin, String kind, String json) {}

  @TestFactory
  Stream<DynamicTest> theCorpusProjectsAlikeWithAndWithoutTheDecoders() throws IOException {
    List<Sample> corpus = corpus();
    Map<String, Long> perKind = new LinkedHashMap<>();
    corpus.forEach(s -> perKind.merge(s.kind(), 1L, Long::sum));
    // The corpus must not shrink unnoticed (a moved directory would otherwise test nothing).
    assertTrue(perKind.getOrDefault("Service", 0L) >= 140, perKind.toString());
    assertTrue(perKind.getOrDefault("EndpointSlice", 0L) >= 100, perKind.toString());
    assertTrue(perKind.getOrDefault("Namespace", 0L) >= 20, perKind.toString());
    assertTrue(perKind.getOrDefault("Pod", 0L) >= 9, perKind.toString());
    return corpus.stream().map(sample -> DynamicTest.dynamicTest(sample.origin(), () -> assertAlike(sample)));
  }

  @Test
  void aStreamedListOfTheCorpusProjectsAlike() throws IOException {
    Map<String, List<Sample>> byKind = new LinkedHashMap<>();
    corpus().forEach(s -> byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s));
    for (Map.Entry<String, List<Sample>> kind : byKind.entrySet()) {
      assertStreamedListAlike(KINDS.get(kind.getKey()), kind.getValue());
    }
  }

  /**
   * Shapes beyond the corpus's: values Jackson coerces (numbers as strings, strings for booleans),
   * nulls, absent parts, unknown fields at every level, fields out of order, and values of the
   * wrong shape, which must fail as fabric8's binding fails, naming the same field.
   */
  @TestFactory
  Stream<DynamicTest> edgeCasesDecodeOrFailAlike() {
    List<Sample> edges = new ArrayList<>();
    String svc = "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\","
        + "\"resourceVersion\":\"1\"},\"spec\":%s}";
    String ports = "{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"name\":\"dns\",\"protocol\":\"UDP\",\"port\":%s}]}";
    for (String port : List.of("\"53\"", "53.0", "53.7", "\"dns\"", "\"\"", "\" 53 \"", "99999999999", "true", "null",
        "-1", "{}", "[53]", "[]", "\"0x35\"", "5.3e1")) {
      edges.add(new Sample("service port " + port, "Service", svc.formatted(ports.formatted(port))));
    }
    for (String spec : List.of("null", "\"x\"", "[]", "[{}]", "5", "{}", "\"\"",
        "{\"clusterIP\":5}", "{\"clusterIP\":true}", "{\"clusterIP\":{}}", "{\"clusterIP\":[\"10.0.0.1\"]}",
        "{\"clusterIP\":\"None\",\"clusterIPs\":null}", "{\"clusterIP\":\"10.0.0.1\",\"clusterIPs\":\"10.0.0.2\"}",
        "{\"clusterIPs\":[null,\"10.0.0.2\",7]}", "{\"clusterIPs\":[[\"10.0.0.2\"]]}",
        "{\"clusterIP\":\"10.0.0.1\",\"clusterIP\":\"10.0.0.2\"}",
        "{\"ports\":null,\"clusterIP\":\"10.0.0.1\"}", "{\"ports\":{},\"clusterIP\":\"10.0.0.1\"}",
        "{\"ports\":[null],\"clusterIP\":\"10.0.0.1\"}", "{\"ports\":[\"dns\"],\"clusterIP\":\"10.0.0.1\"}",
        "{\"ports\":[{\"port\":53,\"name\":null,\"protocol\":null}],\"clusterIP\":\"10.0.0.1\"}",
        "{\"selector\":null}", "{\"selector\":{}}", "{\"selector\":{\"a\":null}}", "{\"selector\":{\"a\":1}}",
        "{\"selector\":[]}", "{\"selector\":{\"a\":{\"b\":1}}}", "{\"selector\":\"a=b\"}",
        "{\"type\":\"ExternalName\",\"externalName\":null}", "{\"type\":\"ExternalName\",\"externalName\":12}",
        "{\"externalIPs\":null,\"clusterIP\":\"10.0.0.1\"}", "{\"externalIPs\":[\"1.2.3.4\",null,\"x\"]}",
        "{\"type\":null,\"clusterIP\":\"10.0.0.1\",\"name\":\"not-the-metadata-name\",\"metadata\":{\"name\":\"x\"}}",
        "{\"unknown\":{\"ports\":[{\"port\":\"x\"}],\"a\":[[{}],[]]},\"clusterIP\":\"10.0.0.1\"}")) {
      edges.add(new Sample("service spec " + spec, "Service", svc.formatted(spec)));
    }
    String status = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},"
        + "\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"10.0.0.1\"},\"status\":%s}";
    for (String s : List.of("null", "{}", "{\"loadBalancer\":null}", "{\"loadBalancer\":{\"ingress\":null}}",
        "{\"loadBalancer\":{\"ingress\":[null]}}", "{\"loadBalancer\":{\"ingress\":[{\"ip\":null,\"hostname\":\"h\"}]}}",
        "{\"loadBalancer\":{\"ingress\":{\"ip\":\"1.2.3.4\"}}}", "{\"loadBalancer\":{\"ingress\":[{\"ip\":[\"1.2.3.4\"]}]}}",
        "{\"loadBalancer\":\"x\"}", "{\"loadBalancer\":{\"ingress\":[{\"ip\":\"1.2.3.4\",\"ports\":[{\"port\":\"x\"}]}]}}",
        "{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"lb.example.com\"},{\"hostname\":\"LB.example.com.\"}]}}",
        "{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"h\",\"ip\":\"1.2.3.4\"},{\"ip\":\"\",\"hostname\":\"h2\"}]}}",
        "{\"loadBalancer\":{\"ingress\":[{\"hostname\":null},{\"hostname\":\"\"},{\"hostname\":\"a..b\"}]}}",
        "{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"192.0.2.1\"},{\"hostname\":\"2001:db8::1\"}]}}",
        "{\"loadBalancer\":{\"ingress\":[{\"hostname\":5}]}}", "{\"loadBalancer\":{\"ingress\":[{\"hostname\":true}]}}",
        "{\"loadBalancer\":{\"ingress\":[{\"hostname\":[\"h\"]}]}}", "{\"loadBalancer\":{\"ingress\":[{\"hostname\":{}}]}}")) {
      edges.add(new Sample("service status " + s, "Service", status.formatted(s)));
    }
    String meta = "{\"kind\":\"Service\",\"spec\":{\"clusterIP\":\"10.0.0.1\"},\"metadata\":%s}";
    for (String m : List.of("null", "{}", "[]", "\"s\"", "{\"name\":\"s\",\"namespace\":\"n\",\"resourceVersion\":17}",
        "{\"name\":\"s\",\"namespace\":\"n\",\"resourceVersion\":null}", "{\"name\":\"s\",\"namespace\":null}",
        "{\"name\":\"s\",\"namespace\":\"n\",\"labels\":null}", "{\"name\":\"s\",\"namespace\":\"n\",\"labels\":{\"a\":true}}",
        "{\"name\":\"s\",\"namespace\":\"n\",\"labels\":{\"a\":[]}}", "{\"name\":\"s\",\"namespace\":\"n\",\"labels\":\"\"}",
        "{\"name\":[],\"namespace\":\"n\"}", "{\"name\":\"s\",\"namespace\":\"n\",\"uid\":5,\"generation\":\"x\"}",
        "{\"name\":\"s\",\"namespace\":\"n\",\"generation\":[],\"labels\":{\"a\":{}}}",
        "{\"name\":\"s\",\"namespace\":\"n\",\"managedFields\":[{\"fieldsV1\":{\"f:spec\":{}}}],\"annotations\":{\"a\":\"b\"}}")) {
      edges.add(new Sample("service metadata " + m, "Service", meta.formatted(m)));
    }
    for (String whole : List.of("null", "[]", "\"x\"", "5", "{}", "{\"kind\":\"Service\"}")) {
      edges.add(new Sample("service " + whole, "Service", whole));
    }
    String slice = "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{\"name\":\"e\","
        + "\"namespace\":\"n\",\"labels\":{\"kubernetes.io/service-name\":\"s\"}},\"addressType\":\"IPv4\","
        + "\"ports\":[{\"name\":\"http\",\"port\":80}],\"endpoints\":[%s]}";
    for (String endpoint : List.of("{\"addresses\":[\"10.0.0.1\"]}", "{\"addresses\":[\"10.0.0.1\"],\"conditions\":null}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":null}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":\"false\"}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":\"true\"}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":\"False\"}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":\"yes\"}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":0}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":1}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":\"\"}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":[true]}}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":\"ready\"}",
        "{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"serving\":\"x\",\"ready\":false}}",
        "{\"addresses\":null}", "{\"addresses\":\"10.0.0.1\"}", "{\"addresses\":[]}", "{\"addresses\":[null]}",
        "{\"addresses\":[\"10.0.0.1\",{}]}", "null", "[]", "\"10.0.0.1\"",
        "{\"addresses\":[\"10.0.0.1\"],\"hostname\":null}", "{\"addresses\":[\"10.0.0.1\"],\"hostname\":\"\"}",
        "{\"addresses\":[\"10.0.0.1\"],\"hostname\":7}", "{\"addresses\":[\"10.0.0.1\"],\"hostname\":{}}",
        "{\"addresses\":[\"10.0.0.1\"],\"targetRef\":null}", "{\"addresses\":[\"10.0.0.1\"],\"targetRef\":{}}",
        "{\"addresses\":[\"10.0.0.1\"],\"targetRef\":{\"name\":null}}",
        "{\"addresses\":[\"10.0.0.1\"],\"targetRef\":{\"name\":\"\"}}",
        "{\"addresses\":[\"10.0.0.1\"],\"targetRef\":\"pod\"}",
        "{\"addresses\":[\"10.0.0.1\"],\"targetRef\":{\"name\":\"Pod-A\",\"uid\":[],\"fieldPath\":{}}}",
        "{\"addresses\":[\"10.0.0.1\"],\"zone\":{\"x\":[1,{\"y\":null}]},\"hints\":\"weird\"}")) {
      edges.add(new Sample("endpoint " + endpoint, "EndpointSlice", slice.formatted(endpoint)));
    }
    String sliceBody = "{\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"e\",\"namespace\":\"n\",%s},%s}";
    for (String[] variant : List.of(
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"addressType\":null,\"endpoints\":[{\"addresses\":[\"10.0.0.1\"]}]"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"addressType\":\"FQDN\""},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"addressType\":4"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"addressType\":{}"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":null}", "\"addressType\":\"IPv4\""},
        new String[] {"\"labels\":null", "\"addressType\":\"IPv4\""},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"ports\":[{\"port\":\"8080\",\"protocol\":\"UDP\"}]"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"ports\":[{\"port\":null,\"name\":\"x\"}]"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"ports\":[{\"port\":\"x\"}]"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"ports\":[null]"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"ports\":{\"port\":80}"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"}", "\"endpoints\":{}"},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"},\"annotations\":null", "\"addressType\":\"IPv4\""},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"},\"annotations\":[]", "\"addressType\":\"IPv4\""},
        new String[] {"\"labels\":{\"kubernetes.io/service-name\":\"s\"},"
            + "\"annotations\":{\"endpoints.kubernetes.io/last-change-trigger-time\":\"2026-12-01T10:00:00Z\",\"x\":null}",
            "\"addressType\":\"IPv4\""},
        new String[] {"\"labels\":{\"multicluster.kubernetes.io/service-name\":\"s\","
            + "\"multicluster.kubernetes.io/source-cluster\":null}", "\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.0.0.1\"]}]"})) {
      edges.add(new Sample("slice " + variant[0] + " " + variant[1], "EndpointSlice", sliceBody.formatted(variant[0], variant[1])));
    }
    String pod = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\"},\"status\":%s}";
    for (String s : List.of("null", "{}", "\"Running\"", "{\"podIP\":null}", "{\"podIP\":\"10.0.0.1\",\"podIPs\":null}",
        "{\"podIP\":\"10.0.0.1\",\"podIPs\":[]}", "{\"podIPs\":[{\"ip\":null}]}", "{\"podIPs\":[null]}",
        "{\"podIPs\":[\"10.0.0.1\"]}", "{\"podIPs\":[{\"ip\":\"10.0.0.1\"},{\"ip\":\"fd00::1\"}],\"podIP\":\"10.0.0.9\"}",
        "{\"podIPs\":{\"ip\":\"10.0.0.1\"}}", "{\"podIPs\":[{\"ip\":{}}]}", "{\"podIP\":[\"10.0.0.1\"]}",
        "{\"podIP\":167772161}", "{\"podIPs\":[\"\"]}", "{\"podIPs\":[5]}", "{\"podIPs\":[true]}",
        "{\"podIPs\":[[\"10.0.0.1\"]]}", "{\"podIPs\":[\"10.0.0.1\",{\"ip\":\"fd00::1\"}]}")) {
      edges.add(new Sample("pod status " + s, "Pod", pod.formatted(s)));
    }
    String namespace = "{\"kind\":\"Namespace\",\"metadata\":%s}";
    for (String m : List.of("null", "{}", "{\"name\":\"a\"}", "{\"name\":\"a\",\"labels\":{\"env\":\"prod\"},\"resourceVersion\":\"3\"}",
        "{\"name\":\"a\",\"labels\":{\"env\":1}}", "{\"name\":\"a\",\"labels\":[\"env\"]}", "{\"name\":\"a\",\"namespace\":\"x\"}",
        "\"a\"")) {
      edges.add(new Sample("namespace metadata " + m, "Namespace", namespace.formatted(m)));
    }
    return edges.stream().map(sample -> DynamicTest.dynamicTest(sample.origin(), () -> assertAlike(sample)));
  }

  @Test
  void wrongShapesFailNamingTheField() {
    String json = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"name\":\"a\",\"port\":53},"
        + "{\"name\":\"b\",\"port\":\"dns\"}]}}";
    JsonMappingException failure = assertThrows(JsonMappingException.class, () -> mapper.readValue(json, Service.class));
    assertEquals("Service[\"spec\"]->ServiceSpec[\"ports\"]->ArrayList[1]->ServicePort[\"port\"]", Failure.of(failure).path());
    assertTrue(failure.getMessage().contains("\"dns\""), failure.getMessage());
  }

  @Test
  void theDecodersFillOnlyWhatThePluginReads() throws IOException {
    Service service = mapper.readValue(corpusJson("kube-dns", "Service"), Service.class);
    assertNull(service.getMetadata().getUid(), "uid is not read");
    assertNull(service.getMetadata().getAnnotations().get("prometheus.io/port"), "a Service's annotations are not read");
    assertNull(service.getSpec().getSessionAffinity());
    assertNull(service.getSpec().getPorts().get(0).getTargetPort());
    assertTrue(service.getAdditionalProperties().isEmpty());
    Pod pod = mapper.readValue(corpusJson("db-0", "Pod"), Pod.class);
    assertNull(pod.getSpec(), "a pod's spec is not read");
    assertTrue(pod.getMetadata().getLabels().isEmpty(), "a pod's labels are not read");
    assertEquals("10.244.1.10", pod.getStatus().getPodIP());
  }

  /**
   * Watch events decode their object through the client's mapper too: the kind is found by
   * fabric8 ({@code apiVersion} and {@code kind}), the object is read by the decoder (which leaves
   * out the uid that fabric8's binding would fill).
   */
  @Test
  void watchEventsDecodeThroughTheDecoders() throws IOException {
    for (String[] object : List.of(new String[] {"kube-dns", "Service"}, new String[] {"kube-dns-x7k2p", "EndpointSlice"},
        new String[] {"kube-system", "Namespace"}, new String[] {"db-0", "Pod"})) {
      String json = corpusJson(object[0], object[1]);
      HasMetadata decoded = (HasMetadata) serialization.unmarshal("{\"type\":\"MODIFIED\",\"object\":" + json + "}",
          WatchEvent.class).getObject();
      assertInstanceOf(KINDS.get(object[1]), decoded);
      assertEquals(object[0], decoded.getMetadata().getName());
      assertTrue(plain.readValue(json, KINDS.get(object[1])).getMetadata().getUid() != null);
      assertNull(decoded.getMetadata().getUid(), object[1] + " decoded by KindDecoders");
    }
  }

  /**
   * Watch events decode as Jackson's bean binding of fabric8's {@link WatchEvent} decodes them:
   * every object of the corpus in an event, and events of every shape: fields out of order,
   * absent, {@code null}, repeated or of the wrong shape, unknown fields (kept as additional
   * properties), objects of other kinds (a Status, a kind of no registered class, none), objects
   * that fail to decode (the failure must name the same path), and roots that are not objects.
   */
  @TestFactory
  Stream<DynamicTest> watchEventsDecodeAsTheirBeanBindingDoes() throws IOException {
    Map<String, String> events = new LinkedHashMap<>();
    for (Sample sample : corpus()) {
      events.put("event of " + sample.origin(), "{\"type\":\"ADDED\",\"object\":" + withKind(sample) + "}");
    }
    String svc = "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\",\"namespace\":\"n\","
        + "\"resourceVersion\":\"7\"},\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"name\":\"dns\",\"port\":53}]}}";
    String badSvc = svc.replace("\"port\":53", "\"port\":\"dns\"");
    String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"too old resource version: 5 (9)\",\"reason\":\"Expired\",\"code\":410}";
    for (String event : List.of(
        "{\"type\":\"MODIFIED\",\"object\":" + svc + "}",
        "{\"object\":" + svc + ",\"type\":\"DELETED\"}",
        "{\"object\":" + svc + "}", "{\"type\":\"ADDED\"}", "{}",
        "{\"type\":null,\"object\":null}", "{\"type\":5,\"object\":" + svc + "}", "{\"type\":true}",
        "{\"type\":{},\"object\":" + svc + "}", "{\"type\":[\"ADDED\"]}", "{\"type\":\"ADDED\",\"type\":\"DELETED\"}",
        "{\"type\":\"ADDED\",\"object\":" + svc + ",\"object\":" + svc.replace("\"7\"", "\"8\"") + "}",
        "{\"type\":\"ERROR\",\"object\":" + status + "}",
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Widget\",\"apiVersion\":\"example.com/v1\",\"metadata\":{\"name\":\"w\"},"
            + "\"spec\":{\"size\":3}}}",
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"no-kind\"}}}",
        "{\"type\":\"ADDED\",\"object\":{}}", "{\"type\":\"ADDED\",\"object\":\"x\"}",
        "{\"type\":\"ADDED\",\"object\":5}", "{\"type\":\"ADDED\",\"object\":[]}",
        "{\"type\":\"ADDED\",\"object\":[" + svc + "]}",
        "{\"type\":\"MODIFIED\",\"object\":" + badSvc + "}",
        "{\"type\":\"ADDED\",\"object\":" + svc + ",\"extra\":{\"a\":[1,null,\"x\",2.5,true]},\"n\":1.5,\"z\":null,"
            + "\"big\":12345678901234567890,\"s\":\"t\"}",
        "{\"type\":\"ADDED\",\"extra\":1,\"extra\":2}",
        "null", "[]", "[{\"type\":\"ADDED\"}]", "\"x\"", "5", "true")) {
      events.put(event.length() > 120 ? event.substring(0, 120) + "..." : event, event);
    }
    return events.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> assertEventAlike(e.getValue())));
  }

  /** The client's mapper decodes watch events with KindDecoders, the reference with Jackson's bean deserializer. */
  @Test
  void theWatchEventDecoderIsTheClientsAndTheReferenceIsJacksonsBean() throws IOException {
    assertEquals("Decoder", rootDeserializer(mapper, WatchEvent.class).getClass().getSimpleName());
    assertInstanceOf(BeanDeserializer.class, rootDeserializer(beanEvents, WatchEvent.class));
  }

  private static JsonDeserializer<Object> rootDeserializer(ObjectMapper mapper, Class<?> type) throws IOException {
    DefaultDeserializationContext ctxt = ((DefaultDeserializationContext) mapper.getDeserializationContext())
        .createInstance(mapper.getDeserializationConfig(), null, null);
    return ctxt.findRootValueDeserializer(ctxt.constructType(type));
  }

  private void assertEventAlike(String json) {
    Object expected = attempt(() -> beanEventSerialization.unmarshal(json, WatchEvent.class));
    Object decoded = attempt(() -> serialization.unmarshal(json, WatchEvent.class));
    if (expected instanceof Failure failure) {
      assertInstanceOf(Failure.class, decoded, "the bean binding failed (" + failure + "), the decoder did not");
      assertEquals(failure.path(), ((Failure) decoded).path(), "the field named by the failure");
      return;
    }
    // The models' toString prints every field (a list of objects has no equals of its own).
    assertEquals(String.valueOf(expected), String.valueOf(decoded));
    if (expected instanceof WatchEvent event && event.getObject() != null) {
      assertEquals(event.getObject().getClass(), ((WatchEvent) decoded).getObject().getClass());
    }
  }

  private static KubernetesSerialization beanEventSerialization(ObjectMapper mapper) {
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
    List.of(Service.class, EndpointSlice.class, Namespace.class, Pod.class, Status.class)
        .forEach(serialization::registerKubernetesResource);
    mapper.registerModule(KindDecoders.module(false));
    return serialization;
  }

  // The comparison.

  private void assertAlike(Sample sample) throws Exception {
    Class<? extends HasMetadata> type = KINDS.get(sample.kind());
    Object decoded = attempt(() -> mapper.readValue(sample.json(), type));
    String json = sample.json();
    Object expected = attempt(() -> plain.readValue(sample.json(), type));
    // fabric8's binding checks the values of fields the plugin never reads (a uid that is not a
    // string...), the decoders skip them: compare with fabric8's decoding of the object without them.
    while (expected instanceof Failure failure && !READ.get(sample.kind()).contains(failure.field())) {
      String without = without(json, failure.steps());
      assertTrue(!without.equals(json), "removed " + failure);
      json = without;
      String reference = json;
      expected = attempt(() -> plain.readValue(reference, type));
    }
    if (expected instanceof Failure failure) {
      assertInstanceOf(Failure.class, decoded, "fabric8 failed (" + failure + "), the decoder did not");
      assertEquals(failure.path(), ((Failure) decoded).path(), "the field named by the failure");
      return;
    }
    assertEquals(seen(type, expected), seen(type, decoded), "as the plugin sees it");
    if (expected != null && sample.json().trim().startsWith("{") && sample.json().contains("\"metadata\"")) {
      HasMetadata object = (HasMetadata) decoded;
      if (object.getMetadata() != null) {
        assertNull(object.getMetadata().getUid(), "decoded by KindDecoders");
      }
      // The same object inside a watch event, as fabric8 reads it from the watch.
      Object event = attempt(() -> serialization.unmarshal(
          "{\"type\":\"ADDED\",\"object\":" + withKind(sample) + "}", WatchEvent.class).getObject());
      assertEquals(seen(type, expected), seen(type, event), "from a watch event");
    }
  }

  /** {@code json} without the field or element at the end of {@code steps} (field names and indices). */
  private static String without(String json, List<Object> steps) throws IOException {
    JsonNode root = JSON.readTree(json);
    JsonNode node = root;
    for (Object step : steps.subList(0, steps.size() - 1)) {
      node = step instanceof Integer index ? node.get(index) : node.get((String) step);
    }
    Object last = steps.get(steps.size() - 1);
    if (last instanceof Integer index) {
      ((ArrayNode) node).remove(index);
    } else {
      ((ObjectNode) node).remove((String) last);
    }
    return JSON.writeValueAsString(root);
  }

  /** Each kind's objects in one list answer, read by {@link StreamingLister} as the informers read it. */
  private void assertStreamedListAlike(Class<? extends HasMetadata> type, List<Sample> samples) throws IOException {
    StringBuilder list = new StringBuilder("{\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"99\"},\"items\":[");
    List<Object> expected = new ArrayList<>();
    for (Sample sample : samples) {
      expected.add(seen(type, plain.readValue(sample.json(), type)));
      list.append(expected.size() > 1 ? "," : "").append(sample.json());
    }
    list.append("]}");
    List<Object> streamed = new ArrayList<>();
    StreamingLister<? extends HasMetadata> lister = lister(type, object -> streamed.add(seen(type, object)));
    DefaultKubernetesResourceList<? extends HasMetadata> answer =
        lister.parse(new ByteArrayInputStream(list.toString().getBytes(StandardCharsets.UTF_8)));
    assertEquals("99", answer.getMetadata().getResourceVersion());
    assertEquals(expected, streamed, type.getSimpleName() + "s read from a list");
  }

  private <T extends HasMetadata> StreamingLister<T> lister(Class<T> type, Consumer<Object> store) {
    Supplier<T> factory = () -> {
      try {
        return type.getConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    };
    return new StreamingLister<>(null, null, mapper, type, factory, null, store::accept, null);
  }

  /**
   * What the plugin takes from an object: the projections into the index (with and without
   * {@code endpoint_pod_names}), the key and version the informer's store keeps, the labels the
   * selectors match and a slice's annotations; each part a value or the exception it throws.
   */
  private static List<Object> seen(Class<?> type, Object decoded) {
    if (decoded == null || decoded instanceof Failure) {
      return Arrays.asList(decoded);
    }
    HasMetadata object = (HasMetadata) decoded;
    List<Object> seen = new ArrayList<>();
    seen.add(attempt(() -> List.of(String.valueOf(object.getMetadata().getNamespace()),
        String.valueOf(object.getMetadata().getName()), String.valueOf(object.getMetadata().getResourceVersion()))));
    if (type != Pod.class) {
      seen.add(attempt(() -> String.valueOf(object.getMetadata().getLabels())));
    }
    for (boolean podNames : List.of(true, false)) {
      Projection projection = new Projection(podNames);
      if (object instanceof Service service) {
        seen.add(attempt(() -> projection.service(service)));
      } else if (object instanceof EndpointSlice slice) {
        seen.add(attempt(() -> projection.slice(slice)));
        seen.add(attempt(() -> projection.multiClusterSlice(slice)));
        seen.add(attempt(() -> String.valueOf(slice.getMetadata().getAnnotations())));
      } else if (object instanceof Pod pod) {
        seen.add(attempt(() -> projection.pod(pod)));
      } else if (object instanceof Namespace namespace) {
        seen.add(attempt(() -> Projection.namespace(namespace)));
      }
    }
    return seen;
  }

  /**
   * A decoding or projection that threw: its class, and for a mapping failure the reference chain
   * ({@code Service["spec"]->ServiceSpec["ports"]->ArrayList[0]...}), its steps (field names and
   * indices) and the field it names as a path ({@code spec.ports.port}, map keys as {@code *}).
   */
  record Failure(String exception, String path, List<Object> steps, String field) {
    static Failure of(Exception e) {
      if (!(e instanceof JsonMappingException) && e.getCause() instanceof JsonMappingException cause) {
        return of(cause);
      }
      if (!(e instanceof JsonMappingException mapping)) {
        return new Failure(e.getClass().getSimpleName(), "", List.of(), "");
      }
      List<String> chain = new ArrayList<>();
      List<Object> steps = new ArrayList<>();
      List<String> field = new ArrayList<>();
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        String from = reference.getFrom() == null ? "?" : reference.getFrom().getClass().getSimpleName();
        if (reference.getFieldName() != null) {
          chain.add(from + "[\"" + reference.getFieldName() + "\"]");
          steps.add(reference.getFieldName());
          field.add(reference.getFrom() instanceof Map ? "*" : reference.getFieldName());
        } else {
          chain.add(from + "[" + reference.getIndex() + "]");
          steps.add(reference.getIndex());
        }
      }
      return new Failure("JsonMappingException", String.join("->", chain), steps, String.join(".", field));
    }

    @Override
    public String toString() {
      return exception + (path.isEmpty() ? "" : " at " + path);
    }
  }

  private static Object attempt(Callable<?> action) {
    try {
      return action.call();
    } catch (Exception e) {
      return Failure.of(e);
    }
  }

  // The corpus.

  private static List<Sample> corpus() throws IOException {
    List<Sample> corpus = new ArrayList<>();
    Path own = Path.of("src/test/resources/kind-decoders/corpus.yaml");
    collect("corpus.yaml", Files.readString(own), corpus);
    Path conformance = Path.of("../conformance/src/test/resources");
    for (String plugin : List.of("kubernetes", "k8s_external")) {
      try (Stream<Path> files = Files.list(conformance.resolve(plugin))) {
        for (Path file : files.sorted().toList()) {
          JsonNode test = YAML.readTree(file.toFile());
          for (JsonNode server : test.path("servers")) {
            server.path("files").properties().forEach(f -> {
              // Some tests give a file that does not parse on purpose; it holds no object.
              if ((f.getKey().endsWith(".yaml") || f.getKey().endsWith(".json")) && parses(f.getValue().asText())) {
                collect(plugin + "/" + file.getFileName() + ":" + f.getKey(), f.getValue().asText(), corpus);
              }
            });
          }
        }
      }
    }
    try (Stream<Path> files = Files.list(Path.of("../distribution/src/main/dist/demo-cluster"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        collect("demo-cluster/" + file.getFileName(), Files.readString(file), corpus);
      }
    }
    KubernetesSerialization fabric8 = new KubernetesSerialization(new ObjectMapper(), false);
    for (HasMetadata fixture : List.of(
        Fixtures.clusterIp("team-a", "dual", List.of("10.96.1.2", "fd00::2"), Map.of("app", "dual"), port("http", "TCP", 80)),
        Fixtures.headless("team-a", "db", port("postgres", "TCP", 5432)),
        Fixtures.externalName("team-a", "alias", "web.team-a.svc.cluster.local"),
        Fixtures.slice("team-a", "db", "db-1", "IPv4", List.of(port("postgres", "TCP", 5432)),
            ep("10.244.1.10", "db-0", "db-0", true), ep("10.244.1.12", "db-2", "db-2", false)),
        Fixtures.slice("team-a", "db", "db-3", "IPv6", List.of(port("postgres", "TCP", 5432)), ep("fd00::20", null, "db-y", true)))) {
      corpus.add(new Sample("Fixtures " + fixture.getMetadata().getName(), fixture.getKind(), fabric8.asJson(fixture)));
    }
    return corpus;
  }

  /** The objects of the four kinds in a YAML or JSON text, lists and multiple documents included. */
  private static void collect(String origin, String text, List<Sample> into) {
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(text)) {
      int n = 0;
      while (documents.hasNextValue()) {
        n = collect(origin, documents.nextValue(), into, n);
      }
    } catch (IOException e) {
      fail(origin + " does not parse", e);
    }
  }

  private static int collect(String origin, JsonNode node, List<Sample> into, int n) throws IOException {
    if (node == null || !node.isObject()) {
      return n;
    }
    String kind = node.path("kind").asText("");
    if (KINDS.containsKey(kind)) {
      into.add(new Sample(origin + " #" + (n + 1) + " " + kind + " " + node.path("metadata").path("name").asText(),
          kind, JSON.writeValueAsString(node)));
      return n + 1;
    }
    for (JsonNode item : node.path("items")) {
      n = collect(origin, item, into, n);
    }
    return n;
  }

  private static boolean parses(String text) {
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(text)) {
      documents.readAll();
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String corpusJson(String name, String kind) throws IOException {
    for (Sample sample : corpus()) {
      if (sample.kind().equals(kind) && sample.origin().startsWith("corpus.yaml") && sample.origin().endsWith(" " + name)) {
        return sample.json();
      }
    }
    throw new IllegalArgumentException("no " + kind + " " + name + " in the corpus");
  }

  /** The sample with {@code apiVersion} and {@code kind}, which a watch event's object always has. */
  private static String withKind(Sample sample) throws IOException {
    ObjectNode node = (ObjectNode) JSON.readTree(sample.json());
    node.put("kind", sample.kind());
    node.put("apiVersion", sample.kind().equals("EndpointSlice") ? "discovery.k8s.io/v1" : "v1");
    return JSON.writeValueAsString(node);
  }

  private static ObjectMapper plainMapper() {
    ObjectMapper plain = new ObjectMapper();
    new KubernetesSerialization(plain, false);
    return plain;
  }

  @Test
  void thePlainMapperHasNoDecoders() throws IOException {
    // The reference side of the comparison must really be fabric8's binding.
    Service service = plain.readValue(corpusJson("kube-dns", "Service"), Service.class);
    assertEquals("6b9f3a1e-2f7c-4d5e-9a0b-1c2d3e4f5a6b", service.getMetadata().getUid());
    ObjectMeta meta = service.getMetadata();
    assertEquals("9153", meta.getAnnotations().get("prometheus.io/port"));
  }
}
