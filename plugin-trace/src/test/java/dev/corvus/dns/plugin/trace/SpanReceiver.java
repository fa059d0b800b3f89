package dev.corvus.dns.plugin.trace;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small trace collector on loopback: OTLP/HTTP ({@code POST /v1/traces}, protobuf bodies
 * decoded with OpenTelemetry's published proto classes) and Zipkin v2 ({@code POST
 * /api/v2/spans}, JSON kept as text).
 */
final class SpanReceiver implements AutoCloseable {

  /** One received OTLP span with what the tests look at. */
  record Received(String service, String name, Span.SpanKind kind, String traceId, String spanId, String parentId,
      Map<String, String> attributes, int statusCode) {}

  private final HttpServer server;
  final List<Received> otlp = new CopyOnWriteArrayList<>();
  final List<String> zipkin = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();

  SpanReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> {
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      try (InputStream body = exchange.getRequestBody()) {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
          String service = value(resourceSpans.getResource().getAttributesList()).get("service.name");
          for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
            for (Span span : scopeSpans.getSpansList()) {
              otlp.add(new Received(service, span.getName(), span.getKind(), hex(span.getTraceId().toByteArray()),
                  hex(span.getSpanId().toByteArray()), hex(span.getParentSpanId().toByteArray()),
                  value(span.getAttributesList()), span.getStatus().getCodeValue()));
            }
          }
        }
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.createContext("/api/v2/spans", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        zipkin.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> named(String name) {
    return otlp.stream().filter(s -> s.name().equals(name)).toList();
  }

  private static Map<String, String> value(List<KeyValue> attributes) {
    Map<String, String> values = new HashMap<>();
    for (KeyValue kv : attributes) {
      values.put(kv.getKey(), kv.getValue().getStringValue());
    }
    return values;
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
