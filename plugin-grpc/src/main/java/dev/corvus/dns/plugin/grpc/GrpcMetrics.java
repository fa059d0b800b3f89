package dev.corvus.dns.plugin.grpc;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;

/** CoreDNS's metrics of the grpc plugin ({@code plugin/grpc/metrics.go}): names, labels, buckets. */
final class GrpcMetrics {

  final Counter requests;
  final Counter responses;
  final Histogram duration;

  GrpcMetrics(Metrics metrics) {
    requests = metrics.counter("coredns_grpc_requests_total", "Counter of requests made per upstream.", "to");
    responses = metrics.counter("coredns_grpc_responses_total", "Counter of requests made per upstream.",
        "rcode", "to");
    duration = metrics.histogram("coredns_grpc_request_duration_seconds", "Histogram of the time each request took.",
        Metrics.DNS_DURATION_BUCKETS, "to");
  }
}
