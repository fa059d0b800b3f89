package dev.corvus.dns.plugin.trace;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.metadata.MetadataProvider;
import dev.corvus.dns.api.plugin.Plugin;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One {@code trace} directive: builds OpenTelemetry's tracer and exporter when started (the
 * export thread is the SDK's batch processor; queries only hand it finished spans) and flushes
 * and shuts them down when stopped.
 */
final class TracePlugin implements Plugin {

  private final TraceConfig config;
  private final TraceHandler handler;
  private SdkTracerProvider provider;

  TracePlugin(TraceConfig config) {
    this.config = config;
    this.handler = new TraceHandler(config.every());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }

  /** CoreDNS's {@code trace/traceid}: the trace of the query, when it is traced. */
  @Override
  public Optional<MetadataProvider> metadata() {
    return Optional.of((request, sink) -> sink.put("trace/traceid", () -> {
      Span span = request.context().get(TraceHandler.SPAN);
      return span == null ? null : span.getSpanContext().getTraceId();
    }));
  }

  @Override
  public CompletionStage<Void> start() {
    Resource resource =
        Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), config.service())));
    provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            // The handler samples (one in every N), so every span it starts is recorded.
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter())
                    .setMaxQueueSize(config.maxBacklog())
                    .setMaxExportBatchSize(config.maxBatch())
                    .setScheduleDelay(config.batchInterval())
                    .build())
            .build();
    warmUp();
    handler.tracer(provider.get("dev.corvus.dns.plugin.trace"));
    return STARTED;
  }

  /**
   * Loads the SDK's span classes here, on a server thread, rather than on the I/O thread of the
   * first traced query, with a provider that exports nothing.
   */
  private static void warmUp() {
    SdkTracerProvider scratch = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();
    Span span = scratch.get("warm-up").spanBuilder("warm-up").setNoParent().startSpan();
    span.setAttribute(TraceHandler.NAME, "warm-up.");
    scratch.get("warm-up").spanBuilder("child").setParent(io.opentelemetry.context.Context.root().with(span))
        .startSpan().end();
    span.end();
    scratch.close();
  }

  private SpanExporter exporter() {
    return switch (config.exporter()) {
      case OTLP -> OtlpHttpSpanExporter.builder()
          .setEndpoint(config.endpoint().toString())
          .setServiceClassLoader(TracePlugin.class.getClassLoader())
          .build();
      case ZIPKIN -> new ZipkinJsonExporter(config.endpoint(), config.service());
    };
  }

  @Override
  public void stop() {
    if (provider != null) {
      handler.tracer(null);
      provider.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
