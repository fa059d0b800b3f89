package dev.corvus.dns.plugin.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports spans to Zipkin's v2 API ({@code POST /api/v2/spans}, a JSON list), what CoreDNS's
 * zipkin reporter sends. OpenTelemetry's own Zipkin exporter is deprecated (and brings OkHttp and
 * Kotlin); the v2 JSON model needs a dozen fields, written here and posted with the JDK's client
 * from the span processor's export thread, never a query's.
 */
final class ZipkinJsonExporter implements SpanExporter {

  private static final Logger log = LoggerFactory.getLogger(ZipkinJsonExporter.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI endpoint;
  private final String service;
  private final HttpClient client;

  ZipkinJsonExporter(URI endpoint, String service) {
    this.endpoint = endpoint;
    this.service = service;
    this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = new CompletableResultCode();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json(spans), StandardCharsets.UTF_8))
            .build();
    client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
      if (error == null && response.statusCode() / 100 == 2) {
        result.succeed();
      } else {
        log.warn("trace: zipkin export to {} failed: {}", endpoint,
            error != null ? error.toString() : "HTTP " + response.statusCode());
        result.fail();
      }
    });
    return result;
  }

  String json(Collection<SpanData> spans) {
    StringBuilder out = new StringBuilder(256 * spans.size());
    out.append('[');
    boolean first = true;
    for (SpanData span : spans) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"traceId\":\"").append(span.getTraceId()).append("\",\"id\":\"").append(span.getSpanId()).append('"');
      if (span.getParentSpanContext().isValid()) {
        out.append(",\"parentId\":\"").append(span.getParentSpanId()).append('"');
      }
      out.append(",\"name\":");
      string(out, span.getName());
      if (span.getKind() == SpanKind.SERVER || span.getKind() == SpanKind.CLIENT) {
        out.append(",\"kind\":\"").append(span.getKind().name()).append('"');
      }
      long start = TimeUnit.NANOSECONDS.toMicros(span.getStartEpochNanos());
      long duration = Math.max(1, TimeUnit.NANOSECONDS.toMicros(span.getEndEpochNanos() - span.getStartEpochNanos()));
      out.append(",\"timestamp\":").append(start).append(",\"duration\":").append(duration);
      out.append(",\"localEndpoint\":{\"serviceName\":");
      string(out, service);
      out.append("},\"tags\":{");
      boolean firstTag = true;
      for (var entry : span.getAttributes().asMap().entrySet()) {
        AttributeKey<?> key = entry.getKey();
        if (!firstTag) {
          out.append(',');
        }
        firstTag = false;
        string(out, key.getKey());
        out.append(':');
        string(out, String.valueOf(entry.getValue()));
      }
      if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
        // Zipkin marks failed spans with an "error" tag.
        if (!firstTag) {
          out.append(',');
        }
        out.append("\"error\":");
        string(out, span.getStatus().getDescription().isEmpty() ? "true" : span.getStatus().getDescription());
      }
      out.append("}}");
    }
    return out.append(']').toString();
  }

  private static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
