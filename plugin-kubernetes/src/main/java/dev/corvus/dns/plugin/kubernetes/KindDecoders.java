package dev.corvus.dns.plugin.kubernetes;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
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
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Jackson deserializers for the kinds the informers watch (Service, EndpointSlice, Namespace, Pod),
 * registered on the client's mapper ({@link KubernetesClients#serialization}), so that both the
 * lists read as a stream ({@link StreamingLister}) and fabric8's watch events decode through them.
 * Each reads its object token by token and fills only the fields the plugin reads ({@link
 * Projection}, the label selectors and the slices' trigger-time annotation in {@link
 * InformerSource}, the namespace, name and resource version the informer's {@link VersionStore}
 * keys and compares), skipping everything else. The watch events' envelope ({@link
 * #watchEvents()}) is read whole.
 *
 * <p>Why: Jackson's own binding of fabric8's model builds, on first use, a bean deserializer for
 * every class the kind reaches (containers, volumes, probes, managed fields...), by reflection. On
 * the path to ready that was about 5 % of all CPU samples until ready, 80-120 ms of the thread
 * reading the first lists, and left thousands of {@code Method}, {@code Field} and annotation
 * objects on the heap. Here nothing below the four top-level classes is introspected.
 *
 * <p>The fields read decode as the mapper's own binding decodes them, which {@code
 * KindDecodersTest} checks on a corpus of objects: scalars go through the mapper's deserializers
 * for them (Jackson's, and fabric8's for integers), {@code null} sets {@code null}, an absent field
 * leaves the model's default, a value of the wrong shape fails with a {@link JsonMappingException}
 * whose reference chain names the field as Jackson's does. Everything else is skipped unread:
 * fields unknown to the model (the API server adds fields over time), and fields of the model the
 * plugin does not read, even where fabric8's binding would have rejected their value.
 */
final class KindDecoders {

  private KindDecoders() {}

  /** The deserializers of the four kinds, to register on the client's mapper. */
  static SimpleModule module() {
    return new SimpleModule("corvus-kubernetes-kinds")
        .addDeserializer(Service.class, new Decoder<>(Service.class, Service::new, KindDecoders::service, null))
        .addDeserializer(EndpointSlice.class, new Decoder<>(EndpointSlice.class, EndpointSlice::new, KindDecoders::slice, null))
        .addDeserializer(Namespace.class, new Decoder<>(Namespace.class, Namespace::new, KindDecoders::namespace, null))
        .addDeserializer(Pod.class, new Decoder<>(Pod.class, Pod::new, KindDecoders::pod, null));
  }

  /**
   * The deserializer of fabric8's {@code WatchEvent}, the envelope of every watch message, to
   * register on the client's mapper with {@link #module()}. It reads what Jackson's bean binding
   * of the envelope reads, all of it: {@code type}, {@code object} through fabric8's
   * {@code KubernetesDeserializer} (the kind looked up, the object then read by the kind's
   * deserializer, as the model's annotation on the field says), every other field into the
   * event's additional properties. Jackson's binding would build a bean deserializer for the
   * envelope by reflection at the first watch message: about 130 classes of Jackson's bean
   * machinery and 15 ms of a watch thread's CPU, for two fields.
   */
  static SimpleModule watchEvents() {
    return new SimpleModule("corvus-kubernetes-watch-events")
        .addDeserializer(WatchEvent.class, new Decoder<>(WatchEvent.class, WatchEvent::new, KindDecoders::watchEvent, null));
  }

  private static void watchEvent(WatchEvent event, String field, Input in) throws IOException {
    switch (field) {
      case "type" -> event.setType(in.text());
      case "object" -> event.setObject(in.resource());
      default -> event.setAdditionalProperty(field, in.untyped());
    }
  }

  /**
   * Reads one field of an object: sets it on {@code target} from the value {@code in} is at, or
   * skips the value.
   */
  @FunctionalInterface
  private interface Fields<T> {
    void read(T target, String field, Input in) throws IOException;
  }

  /**
   * The deserializers of the mapper for the scalar types, found once per mapper: fabric8 registers
   * its own for {@code Integer} (Go's syntax), and the decoders must bind as the mapper does.
   */
  private record Scalars(JsonDeserializer<Object> text, JsonDeserializer<Object> integer, JsonDeserializer<Object> flag) {
    static Scalars of(DeserializationContext ctxt) throws JsonMappingException {
      return new Scalars(
          ctxt.findContextualValueDeserializer(ctxt.constructType(String.class), null),
          ctxt.findContextualValueDeserializer(ctxt.constructType(Integer.class), null),
          ctxt.findContextualValueDeserializer(ctxt.constructType(Boolean.class), null));
    }
  }

  /** A kind's deserializer: its object read with its {@link Fields}. */
  private static final class Decoder<T> extends JsonDeserializer<T> implements ContextualDeserializer {
    private final Class<T> type;
    private final Supplier<T> factory;
    private final Fields<T> fields;
    /** Set in the contextual instance Jackson decodes with. */
    private final Scalars scalars;

    Decoder(Class<T> type, Supplier<T> factory, Fields<T> fields, Scalars scalars) {
      this.type = type;
      this.factory = factory;
      this.fields = fields;
      this.scalars = scalars;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
        throws JsonMappingException {
      return scalars != null ? this : new Decoder<>(type, factory, fields, Scalars.of(ctxt));
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      // Jackson contextualises the deserializers it finds; one used as registered looks them up here.
      Scalars found = scalars != null ? scalars : Scalars.of(ctxt);
      return new Input(p, ctxt, found).object(type, factory, fields);
    }

    @Override
    public Class<?> handledType() {
      return type;
    }

    /** Stateless; Jackson may keep it, and makes its contextual instances from it. */
    @Override
    public boolean isCachable() {
      return true;
    }
  }

  // The kinds and their parts: one method per object, one case per field read.

  private static void service(Service service, String field, Input in) throws IOException {
    switch (field) {
      case "metadata" -> service.setMetadata(in.object(ObjectMeta.class, ObjectMeta::new, KindDecoders::keyAndLabels));
      case "spec" -> service.setSpec(in.object(ServiceSpec.class, ServiceSpec::new, KindDecoders::serviceSpec));
      case "status" -> service.setStatus(in.object(ServiceStatus.class, ServiceStatus::new, KindDecoders::serviceStatus));
      default -> in.skip();
    }
  }

  private static void serviceSpec(ServiceSpec spec, String field, Input in) throws IOException {
    switch (field) {
      case "type" -> spec.setType(in.text());
      case "clusterIP" -> spec.setClusterIP(in.text());
      case "clusterIPs" -> spec.setClusterIPs(in.texts());
      case "externalName" -> spec.setExternalName(in.text());
      case "externalIPs" -> spec.setExternalIPs(in.texts());
      case "selector" -> spec.setSelector(in.textMap());
      case "ports" -> spec.setPorts(in.list(io.fabric8.kubernetes.api.model.ServicePort.class,
          io.fabric8.kubernetes.api.model.ServicePort::new, KindDecoders::servicePort));
      default -> in.skip();
    }
  }

  private static void servicePort(io.fabric8.kubernetes.api.model.ServicePort port, String field, Input in)
      throws IOException {
    switch (field) {
      case "name" -> port.setName(in.text());
      case "protocol" -> port.setProtocol(in.text());
      case "port" -> port.setPort(in.integer());
      default -> in.skip();
    }
  }

  private static void serviceStatus(ServiceStatus status, String field, Input in) throws IOException {
    if (field.equals("loadBalancer")) {
      status.setLoadBalancer(in.object(LoadBalancerStatus.class, LoadBalancerStatus::new, KindDecoders::loadBalancer));
    } else {
      in.skip();
    }
  }

  private static void loadBalancer(LoadBalancerStatus loadBalancer, String field, Input in) throws IOException {
    if (field.equals("ingress")) {
      loadBalancer.setIngress(in.list(LoadBalancerIngress.class, LoadBalancerIngress::new, (ingress, name, value) -> {
        if (name.equals("ip")) {
          ingress.setIp(value.text());
        } else {
          value.skip();
        }
      }));
    } else {
      in.skip();
    }
  }

  private static void slice(EndpointSlice slice, String field, Input in) throws IOException {
    switch (field) {
      case "metadata" -> slice.setMetadata(in.object(ObjectMeta.class, ObjectMeta::new, KindDecoders::keyLabelsAndAnnotations));
      case "addressType" -> slice.setAddressType(in.text());
      case "ports" -> slice.setPorts(in.list(EndpointPort.class, EndpointPort::new, KindDecoders::endpointPort));
      case "endpoints" -> slice.setEndpoints(in.list(Endpoint.class, Endpoint::new, KindDecoders::endpoint));
      default -> in.skip();
    }
  }

  private static void endpointPort(EndpointPort port, String field, Input in) throws IOException {
    switch (field) {
      case "name" -> port.setName(in.text());
      case "protocol" -> port.setProtocol(in.text());
      case "port" -> port.setPort(in.integer());
      default -> in.skip();
    }
  }

  private static void endpoint(Endpoint endpoint, String field, Input in) throws IOException {
    switch (field) {
      case "addresses" -> endpoint.setAddresses(in.texts());
      case "hostname" -> endpoint.setHostname(in.text());
      case "conditions" -> endpoint.setConditions(
          in.object(EndpointConditions.class, EndpointConditions::new, (conditions, name, value) -> {
            if (name.equals("ready")) {
              conditions.setReady(value.flag());
            } else {
              value.skip();
            }
          }));
      case "targetRef" -> endpoint.setTargetRef(
          in.object(ObjectReference.class, ObjectReference::new, (target, name, value) -> {
            if (name.equals("name")) {
              target.setName(value.text());
            } else {
              value.skip();
            }
          }));
      default -> in.skip();
    }
  }

  private static void namespace(Namespace namespace, String field, Input in) throws IOException {
    if (field.equals("metadata")) {
      namespace.setMetadata(in.object(ObjectMeta.class, ObjectMeta::new, KindDecoders::keyAndLabels));
    } else {
      in.skip();
    }
  }

  private static void pod(Pod pod, String field, Input in) throws IOException {
    switch (field) {
      case "metadata" -> pod.setMetadata(in.object(ObjectMeta.class, ObjectMeta::new, KindDecoders::key));
      case "status" -> pod.setStatus(in.object(PodStatus.class, PodStatus::new, KindDecoders::podStatus));
      default -> in.skip();
    }
  }

  private static void podStatus(PodStatus status, String field, Input in) throws IOException {
    switch (field) {
      case "podIP" -> status.setPodIP(in.text());
      // PodIP has a constructor from a String, which Jackson takes for a string in place of the object.
      case "podIPs" -> status.setPodIPs(in.list(PodIP.class, PodIP::new, PodIP::new, (ip, name, value) -> {
        if (name.equals("ip")) {
          ip.setIp(value.text());
        } else {
          value.skip();
        }
      }));
      default -> in.skip();
    }
  }

  /** Namespace, name and resource version: what the informer's store keys and compares. */
  private static void key(ObjectMeta meta, String field, Input in) throws IOException {
    switch (field) {
      case "namespace" -> meta.setNamespace(in.text());
      case "name" -> meta.setName(in.text());
      case "resourceVersion" -> meta.setResourceVersion(in.text());
      default -> in.skip();
    }
  }

  /** With the labels, which the {@code labels} and {@code namespace_labels} selectors match. */
  private static void keyAndLabels(ObjectMeta meta, String field, Input in) throws IOException {
    if (field.equals("labels")) {
      meta.setLabels(in.textMap());
    } else {
      key(meta, field, in);
    }
  }

  /** With the annotations too: a slice's last-change trigger time is measured ({@link KubernetesMetrics}). */
  private static void keyLabelsAndAnnotations(ObjectMeta meta, String field, Input in) throws IOException {
    if (field.equals("annotations")) {
      meta.setAnnotations(in.textMap());
    } else {
      keyAndLabels(meta, field, in);
    }
  }

  /**
   * The parser of one object being decoded, positioned on a value, and the shapes of values as
   * Jackson binds them. Each method reads the value the parser is at and leaves the parser on the
   * value's last token; {@code null} in JSON gives {@code null}, as Jackson sets a bean property.
   * A failure is wrapped with the object and field (or list and index) it happened in, as Jackson
   * wraps it (with {@code WRAP_EXCEPTIONS}, its default, runtime exceptions too).
   */
  private record Input(JsonParser p, DeserializationContext ctxt, Scalars scalars) {

    /**
     * An object (the parser at its start, or at its first field or its end when the start was read
     * already, as Jackson may hand it over); any other value fails as Jackson fails for a bean.
     */
    <T> T object(Class<T> type, Supplier<T> factory, Fields<T> fields) throws IOException {
      JsonToken token = p.currentToken();
      String field;
      if (token == JsonToken.START_OBJECT) {
        field = p.nextFieldName();
      } else if (token == JsonToken.FIELD_NAME) {
        field = p.currentName();
      } else if (token == JsonToken.END_OBJECT) {
        field = null;
      } else if (token == JsonToken.VALUE_NULL) {
        return null;
      } else {
        return type.cast(ctxt.handleUnexpectedToken(type, p));
      }
      T target = factory.get();
      for (; field != null; field = p.nextFieldName()) {
        p.nextToken();
        try {
          fields.read(target, field, this);
        } catch (JacksonException | RuntimeException e) {
          throw JsonMappingException.wrapWithPath(e, target, field);
        }
      }
      return target;
    }

    /** An array of objects; {@code null} elements are kept, as Jackson keeps them. */
    <T> List<T> list(Class<T> type, Supplier<T> factory, Fields<T> fields) throws IOException {
      return list(type, factory, null, fields);
    }

    /** As {@link #list(Class, Supplier, Fields)}, elements given as a string made by {@code fromText}. */
    <T> List<T> list(Class<T> type, Supplier<T> factory, Function<String, T> fromText, Fields<T> fields)
        throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        return unexpected(ctxt.getTypeFactory().constructCollectionType(ArrayList.class, type));
      }
      List<T> list = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        try {
          list.add(fromText != null && p.currentToken() == JsonToken.VALUE_STRING
              ? fromText.apply(p.getText())
              : object(type, factory, fields));
        } catch (JacksonException | RuntimeException e) {
          throw JsonMappingException.wrapWithPath(e, list, list.size());
        }
      }
      return list;
    }

    /** An array of strings. */
    List<String> texts() throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        return unexpected(ctxt.getTypeFactory().constructCollectionType(ArrayList.class, String.class));
      }
      List<String> texts = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        try {
          texts.add(text());
        } catch (JacksonException | RuntimeException e) {
          throw JsonMappingException.wrapWithPath(e, texts, texts.size());
        }
      }
      return texts;
    }

    /**
     * What the mapper makes of a value of the wrong shape for {@code type}: it fails, naming the
     * value, unless a problem handler registered on the mapper gives a substitute.
     */
    @SuppressWarnings("unchecked")
    private <V> V unexpected(JavaType type) throws IOException {
      return (V) ctxt.handleUnexpectedToken(type, p);
    }

    /** An object of strings: labels, annotations, a selector. */
    Map<String, String> textMap() throws IOException {
      JsonToken token = p.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return null;
      }
      if (token != JsonToken.START_OBJECT) {
        return unexpected(ctxt.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, String.class));
      }
      Map<String, String> map = new LinkedHashMap<>();
      for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
        p.nextToken();
        try {
          map.put(key, text());
        } catch (JacksonException | RuntimeException e) {
          throw JsonMappingException.wrapWithPath(e, map, key);
        }
      }
      return map;
    }

    String text() throws IOException {
      return (String) scalar(scalars.text());
    }

    Integer integer() throws IOException {
      return (Integer) scalar(scalars.integer());
    }

    Boolean flag() throws IOException {
      return (Boolean) scalar(scalars.flag());
    }

    /**
     * A Kubernetes object of any registered kind, read by the deserializer fabric8's model names
     * for such a field ({@code KubernetesDeserializer}), made as Jackson makes it for the field:
     * by the mapper's handler instantiator, which fabric8 configures to hand out its own.
     */
    Object resource() throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      return ctxt.deserializerInstance(null, KubernetesDeserializer.class).deserialize(p, ctxt);
    }

    /** Any value, as Jackson reads it into a {@code Map<String, Object>}. */
    Object untyped() throws IOException {
      return p.currentToken() == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, Object.class);
    }

    /** A value the plugin does not read. */
    void skip() throws IOException {
      p.skipChildren();
    }

    private Object scalar(JsonDeserializer<Object> deserializer) throws IOException {
      return p.currentToken() == JsonToken.VALUE_NULL ? null : deserializer.deserialize(p, ctxt);
    }
  }
}
