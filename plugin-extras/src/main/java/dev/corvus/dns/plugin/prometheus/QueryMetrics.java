package dev.corvus.dns.plugin.prometheus;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.util.Set;
import org.xbill.DNS.Type;

/** CoreDNS's per-query metrics ({@code plugin/metrics/vars}), with its names, labels and buckets. */
final class QueryMetrics {

  /** Query types that get their own {@code type} label; the rest are {@code other}. */
  private static final Set<Integer> MONITORED_TYPES = Set.of(
      Type.AAAA, Type.A, Type.CNAME, Type.DNSKEY, Type.DS, Type.MX, Type.NSEC3, Type.NSEC, Type.NS,
      Type.PTR, Type.RRSIG, Type.SOA, Type.SRV, Type.TXT, Type.HTTPS, Type.SVCB, Type.IXFR, Type.AXFR,
      Type.ANY);

  final Counter requests;
  final Histogram duration;
  final Histogram requestSize;
  final Counter doRequests;
  final Histogram responseSize;
  final Counter responses;
  final Counter panics;

  QueryMetrics(Metrics metrics) {
    requests = metrics.counter("coredns_dns_requests_total",
        "Counter of DNS requests made per zone, protocol and family.",
        "server", "zone", "view", "proto", "family", "type");
    duration = metrics.histogram("coredns_dns_request_duration_seconds",
        "Histogram of the time (in seconds) each request took per zone.",
        Metrics.DNS_DURATION_BUCKETS, "server", "zone", "view");
    requestSize = metrics.histogram("coredns_dns_request_size_bytes",
        "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.",
        Metrics.DNS_SIZE_BUCKETS, "server", "zone", "view", "proto");
    doRequests = metrics.counter("coredns_dns_do_requests_total",
        "Counter of DNS requests with DO bit set per zone.", "server", "zone", "view");
    responseSize = metrics.histogram("coredns_dns_response_size_bytes",
        "Size of the returned response in bytes.", Metrics.DNS_SIZE_BUCKETS, "server", "zone", "view", "proto");
    responses = metrics.counter("coredns_dns_responses_total",
        "Counter of response status codes.", "server", "zone", "view", "rcode", "plugin");
    panics = metrics.counter("coredns_panics_total", "A metrics that counts the number of panics.");
  }

  /** The {@code type} label of a query type. */
  static String typeLabel(int qtype) {
    return MONITORED_TYPES.contains(qtype) ? Type.string(qtype) : "other";
  }
}
