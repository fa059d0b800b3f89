package dev.corvus.dns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link KindDecoders#watchEvents()}: a watch message's envelope decodes as Jackson's bean binding
 * of fabric8's {@code WatchEvent} decodes it on the same mapper (the objects inside by the kinds'
 * decoders either way), without building that bean deserializer.
 */
class WatchEventDecoderTest {

  private static final String SERVICE = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"kube-dns\","
      + "\"namespace\":\"kube-system\",\"resourceVersion\":\"7\",\"uid\":\"u-1\"},\"spec\":{\"clusterIP\":\"10.96.0.10\","
      + "\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"}]}}";
  private static final String SLICE = "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\","
      + "\"metadata\":{\"name\":\"kube-dns-x\",\"namespace\":\"kube-system\",\"labels\":{\"kubernetes.io/service-name\":"
      + "\"kube-dns\"}},\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.244.0.2\"],\"conditions\":{\"ready\":true}}]}";
  private static final String STATUS = "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
      + "\"too old resource version: 5 (12)\",\"reason\":\"Expired\",\"code\":410,\"metadata\":{}}";
  private static final String BOOKMARK = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"resourceVersion\":\"42\","
      + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}";

  /** The messages: every event type, the envelope's odd shapes, values that must fail. */
  private static final List<String> MESSAGES = List.of(
      "{\"type\":\"ADDED\",\"object\":" + SERVICE + "}",
      "{\"object\":" + SLICE + ",\"type\":\"MODIFIED\"}",
      "{\"type\":\"DELETED\",\"object\":" + SERVICE + "}",
      "{\"type\":\"ERROR\",\"object\":" + STATUS + "}",
      "{\"type\":\"BOOKMARK\",\"object\":" + BOOKMARK + "}",
      "{\"type\":\"ADDED\",\"object\":null}",
      "{\"type\":null,\"object\":" + SERVICE + "}",
      "{\"object\":" + SERVICE + "}",
      "{\"type\":\"ADDED\"}",
      "{}",
      "{\"type\":\"ADDED\",\"object\":" + SERVICE + ",\"extra\":{\"a\":[1,2.5,\"x\",null,true]},\"n\":null,\"m\":7}",
      "{\"type\":\"ADDED\",\"type\":\"MODIFIED\",\"object\":" + SERVICE + "}",
      "{\"type\":12,\"object\":" + SERVICE + "}",
      "{\"type\":true,\"object\":" + SERVICE + "}",
      "{\"type\":[\"ADDED\"],\"object\":" + SERVICE + "}",
      "{\"type\":{\"a\":1},\"object\":" + SERVICE + "}",
      "{\"type\":\"ADDED\",\"object\":\"not an object\"}",
      "{\"type\":\"ADDED\",\"object\":[" + SERVICE + "]}",
      "{\"type\":\"ADDED\",\"object\":{\"kind\":\"NoSuchKind\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}}",
      "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"no kind\"}}}",
      "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"ports\":\"not a list\"}}}",
      "[]",
      "\"ADDED\"",
      "null");

  /** The plugin's serialization: the kinds' decoders and the envelope's. */
  private static KubernetesSerialization plugins() {
    return KubernetesClients.serialization(new ObjectMapper());
  }

  /** The same without the envelope's decoder: Jackson's bean binding of WatchEvent. */
  private static KubernetesSerialization beanBinding() {
    ObjectMapper mapper = new ObjectMapper();
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
    List.of(Service.class, EndpointSlice.class, Namespace.class, io.fabric8.kubernetes.api.model.Pod.class, Status.class)
        .forEach(serialization::registerKubernetesResource);
    mapper.registerModule(KindDecoders.module());
    return serialization;
  }

  @Test
  void everyMessageDecodesAsJacksonsBeanBindingDecodesIt() {
    KubernetesSerialization ours = plugins();
    KubernetesSerialization reference = beanBinding();
    int failures = 0;
    for (String message : MESSAGES) {
      Object expected = attempt(reference, message);
      Object decoded = attempt(ours, message);
      if (expected instanceof Failed) {
        failures++;
        assertInstanceOf(Failed.class, decoded, "Jackson failed on " + message + " (" + expected + "), the decoder did not");
        continue;
      }
      if (expected == null) {
        assertNull(decoded, message);
        continue;
      }
      // Their toString shows every field (DefaultKubernetesResourceList, an array's object, has no equals).
      assertInstanceOf(WatchEvent.class, decoded, message);
      assertEquals(String.valueOf(expected), String.valueOf(decoded), message);
      Object object = ((WatchEvent) expected).getObject();
      assertEquals(object == null ? null : object.getClass(), objectClass((WatchEvent) decoded), message);
    }
    assertTrue(failures >= 5, "the corpus has values of the wrong shape: " + failures);
  }

  @Test
  void theEventsPartsAreWhatFabric8sWatchReads() {
    KubernetesSerialization ours = plugins();
    WatchEvent error = ours.unmarshal("{\"type\":\"ERROR\",\"object\":" + STATUS + "}", WatchEvent.class);
    assertEquals("ERROR", error.getType());
    assertEquals(410, assertInstanceOf(Status.class, error.getObject()).getCode());
    WatchEvent added = ours.unmarshal(MESSAGES.get(10), WatchEvent.class);
    Service service = assertInstanceOf(Service.class, added.getObject());
    assertEquals("kube-dns", service.getMetadata().getName());
    assertNull(service.getMetadata().getUid(), "the object read by the kind's decoder");
    assertEquals(Map.of("a", Arrays.asList(1, 2.5, "x", null, true)), added.getAdditionalProperties().get("extra"));
    assertTrue(added.getAdditionalProperties().containsKey("n"));
    assertNull(added.getAdditionalProperties().get("n"));
    assertEquals(7, added.getAdditionalProperties().get("m"));
  }

  /** The point of it: no bean deserializer is built for the envelope. */
  @Test
  void noBeanDeserializerIsBuiltForTheEnvelope() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    KubernetesClients.serialization(mapper);
    DeserializationConfig config = mapper.getDeserializationConfig();
    DefaultDeserializationContext context =
        ((DefaultDeserializationContext) mapper.getDeserializationContext()).createInstance(config, null, null);
    JsonDeserializer<Object> deserializer = context.findRootValueDeserializer(mapper.constructType(WatchEvent.class));
    assertFalse(deserializer instanceof BeanDeserializerBase, deserializer.getClass().getName());
    assertEquals(WatchEvent.class, deserializer.handledType());
  }

  private static Class<?> objectClass(WatchEvent event) {
    return event.getObject() == null ? null : event.getObject().getClass();
  }

  private record Failed(String what) {}

  private static Object attempt(KubernetesSerialization serialization, String message) {
    try {
      return serialization.unmarshal(message, WatchEvent.class);
    } catch (RuntimeException e) {
      return new Failed(String.valueOf(e.getMessage()));
    }
  }
}
