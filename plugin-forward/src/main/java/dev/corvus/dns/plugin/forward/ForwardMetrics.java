package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;

/**
 * The plugin's metrics, with CoreDNS's names and labels ({@code plugin/forward/metrics.go},
 * {@code plugin/pkg/proxy/metrics.go}, and the older per-upstream {@code coredns_forward_*}
 * series dashboards still use), plus two of Corvus's own.
 */
final class ForwardMetrics {

  /** The {@code proxy_name} label CoreDNS's forward plugin uses. */
  static final String PROXY_NAME = "forward";

  final Counter requests;
  final Counter responses;
  final Histogram requestDuration;
  final Counter healthcheckFailures;
  final Counter healthcheckBroken;
  final Counter maxConcurrentRejects;
  final Histogram proxyRequestDuration;
  final Counter proxyHealthcheckFailures;
  final Counter connCacheHits;
  final Counter connCacheMisses;
  final Counter droppedResponses;
  final Gauge upstreamHealthy;
  final Gauge hostAddresses;
  final Counter hostResolutionFailures;

  ForwardMetrics(Metrics metrics) {
    requests = metrics.counter("coredns_forward_requests_total", "Counter of requests made per upstream.", "to");
    responses =
        metrics.counter(
            "coredns_forward_responses_total", "Counter of responses received per upstream.", "to", "rcode");
    requestDuration =
        metrics.histogram(
            "coredns_forward_request_duration_seconds",
            "Histogram of the time each request took.",
            Metrics.DNS_DURATION_BUCKETS,
            "to",
            "rcode");
    healthcheckFailures =
        metrics.counter(
            "coredns_forward_healthcheck_failures_total", "Counter of the number of failed healthchecks.", "to");
    healthcheckBroken =
        metrics.counter(
            "coredns_forward_healthcheck_broken_total",
            "Counter of the number of complete failures of the healthchecks.");
    maxConcurrentRejects =
        metrics.counter(
            "coredns_forward_max_concurrent_rejects_total",
            "Counter of the number of queries rejected because the concurrent queries were at maximum.");
    proxyRequestDuration =
        metrics.histogram(
            "coredns_proxy_request_duration_seconds",
            "Histogram of the time each request took.",
            Metrics.DNS_DURATION_BUCKETS,
            "proxy_name",
            "to",
            "rcode");
    proxyHealthcheckFailures =
        metrics.counter(
            "coredns_proxy_healthcheck_failures_total",
            "Counter of the number of failed healthchecks.",
            "proxy_name",
            "to");
    connCacheHits =
        metrics.counter(
            "coredns_proxy_conn_cache_hits_total",
            "Counter of connection cache hits per upstream and protocol.",
            "proxy_name",
            "to",
            "proto");
    connCacheMisses =
        metrics.counter(
            "coredns_proxy_conn_cache_misses_total",
            "Counter of connection cache misses per upstream and protocol.",
            "proxy_name",
            "to",
            "proto");
    droppedResponses =
        metrics.counter(
            "corvus_forward_dropped_responses_total",
            "Upstream responses ignored because their ID or question did not match a query in flight"
                + " (spoofing protection), or that did not parse.",
            "to",
            "reason");
    upstreamHealthy =
        metrics.gauge(
            "corvus_forward_upstream_healthy",
            "Whether the upstream is considered healthy (1) or down (0).",
            "to");
    hostAddresses =
        metrics.gauge(
            "corvus_forward_host_addresses",
            "Addresses a host-name upstream resolved to at its last successful lookup; 0 while it never resolved.",
            "host");
    hostResolutionFailures =
        metrics.counter(
            "corvus_forward_host_resolution_failures_total",
            "Lookups of a host-name upstream that failed (it did not resolve, or the resolver did not answer).",
            "host");
  }
}
