package dev.corvus.dns.plugin.trace;

import java.net.URI;
import java.time.Duration;

/**
 * One {@code trace} directive, validated.
 *
 * @param exporter where spans go
 * @param endpoint the collector's URL (Zipkin's {@code /api/v2/spans}, OTLP's {@code /v1/traces})
 * @param every trace one query in every this many (0: none)
 * @param service the {@code service.name} reported
 * @param clientServer CoreDNS's {@code client_server}; accepted, see the README
 * @param maxBacklog spans waiting for export before new ones are dropped
 * @param maxBatch spans per export request
 * @param batchInterval the longest a finished span waits for its export
 */
record TraceConfig(
    Exporter exporter,
    URI endpoint,
    long every,
    String service,
    boolean clientServer,
    int maxBacklog,
    int maxBatch,
    Duration batchInterval) {

  /** CoreDNS's defaults for the Zipkin reporter. */
  static final int DEFAULT_BACKLOG = 1000;
  static final int DEFAULT_BATCH = 100;
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** The kinds of endpoint. */
  enum Exporter {
    /** Zipkin's v2 JSON API, CoreDNS's default. */
    ZIPKIN,
    /** OpenTelemetry's OTLP over HTTP with protobuf bodies. */
    OTLP
  }
}
