package dev.corvus.dns.plugin.prometheus;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Histogram;
import dev.corvus.dns.api.metrics.Metrics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** CoreDNS's per-query metrics ({@code plugin/metrics/vars}), with its names, labels and buckets. */
final class QueryMetrics {

  /** Query types that get their own {@code type} label; the rest are {@code other}. */
  private static final Set<Integer> MONITORED_TYPES = Set.of(
      Type.AAAA, Type.A, Type.CNAME, Type.DNSKEY, Type.DS, Type.MX, Type.NSEC3, Type.NSEC, Type.NS,
      Type.PTR, Type.RRSIG, Type.SOA, Type.SRV, Type.TXT, Type.HTTPS, Type.SVCB, Type.IXFR, Type.AXFR,
      Type.ANY);
  /** The index of each monitored type below 256 in the per-type children (0: {@code other}). */
  private static final int[] TYPE_INDEX = new int[256];
  private static final String[] TYPE_LABELS = new String[MONITORED_TYPES.size() + 1];

  static {
    TYPE_LABELS[0] = "other";
    int next = 1;
    for (int type : MONITORED_TYPES) {
      TYPE_INDEX[type] = next;
      TYPE_LABELS[next++] = Type.string(type);
    }
  }

  /** CoreDNS has views; Corvus has none, so the label is always empty. */
  static final String VIEW = "";

  final Counter requests;
  final Histogram duration;
  final Histogram requestSize;
  final Counter doRequests;
  final Histogram responseSize;
  final Counter responses;
  final Counter panics;
  /** The children of each server and zone, looked up once instead of by their labels per query. */
  private final Map<ZoneKey, ZoneMetrics> zones = new ConcurrentHashMap<>();
  /** The last zone looked up: a server block's queries carry the same server and zone objects. */
  private volatile ZoneMetrics last;

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
    return TYPE_LABELS[typeIndex(qtype)];
  }

  private static int typeIndex(int qtype) {
    return qtype >= 0 && qtype < TYPE_INDEX.length ? TYPE_INDEX[qtype] : 0;
  }

  /** The metrics of the server block {@code server} for {@code zone}. */
  ZoneMetrics zone(String server, Name zone) {
    ZoneMetrics z = last;
    if (z != null && z.server == server && z.zoneName == zone) {
      return z;
    }
    z = zones.computeIfAbsent(new ZoneKey(server, zone), k -> new ZoneMetrics(server, zone));
    last = z;
    return z;
  }

  private record ZoneKey(String server, Name zone) {}

  /**
   * The children of one server and zone, made on first use: per query, indexes into arrays instead
   * of a label lookup (label arrays, a key list, its hash and comparison) for each of six metrics.
   */
  final class ZoneMetrics {
    private static final int FAMILIES = 2;
    private static final int RCODES = 16;
    private static final int PROTOS = 2;

    private final String server;
    private final Name zoneName;
    private final String zone;
    private final Counter.Child doRequestsChild;
    private final Histogram.Child durationChild;
    /** By proto (udp, tcp). */
    private final AtomicReferenceArray<Histogram.Child> requestSizes = new AtomicReferenceArray<>(PROTOS);
    private final AtomicReferenceArray<Histogram.Child> responseSizes = new AtomicReferenceArray<>(PROTOS);
    /** By proto, family and type. */
    private final AtomicReferenceArray<Counter.Child> requestCounts =
        new AtomicReferenceArray<>(PROTOS * FAMILIES * TYPE_LABELS.length);
    /** By responding plugin, then rcode (0-15; others are looked up by label). */
    private final Map<String, AtomicReferenceArray<Counter.Child>> responseCounts = new ConcurrentHashMap<>();

    private ZoneMetrics(String server, Name zoneName) {
      this.server = server;
      this.zoneName = zoneName;
      this.zone = Names.lowerCase(zoneName);
      this.doRequestsChild = doRequests.labels(server, zone, VIEW);
      this.durationChild = duration.labels(server, zone, VIEW);
    }

    private static int proto(Transport transport) {
      return transport.protocolLabel().equals("udp") ? 0 : 1;
    }

    void countDo() {
      doRequestsChild.inc();
    }

    void countRequest(Transport transport, boolean ipv4, int qtype) {
      int type = typeIndex(qtype);
      int index = (proto(transport) * FAMILIES + (ipv4 ? 0 : 1)) * TYPE_LABELS.length + type;
      Counter.Child child = requestCounts.get(index);
      if (child == null) {
        child = requests.labels(server, zone, VIEW, transport.protocolLabel(), ipv4 ? "1" : "2", TYPE_LABELS[type]);
        requestCounts.set(index, child);
      }
      child.inc();
    }

    void observeDuration(double seconds) {
      durationChild.observe(seconds);
    }

    void observeRequestSize(Transport transport, int bytes) {
      sizeChild(requestSizes, requestSize, transport).observe(bytes);
    }

    void observeResponseSize(Transport transport, int bytes) {
      sizeChild(responseSizes, responseSize, transport).observe(bytes);
    }

    private Histogram.Child sizeChild(AtomicReferenceArray<Histogram.Child> children, Histogram metric,
        Transport transport) {
      int proto = proto(transport);
      Histogram.Child child = children.get(proto);
      if (child == null) {
        child = metric.labels(server, zone, VIEW, transport.protocolLabel());
        children.set(proto, child);
      }
      return child;
    }

    void countResponse(int rcode, String plugin) {
      if (rcode < 0 || rcode >= RCODES) {
        responses.labels(server, zone, VIEW, Rcode.string(rcode), plugin).inc();
        return;
      }
      AtomicReferenceArray<Counter.Child> byRcode = responseCounts.get(plugin);
      if (byRcode == null) {
        byRcode = responseCounts.computeIfAbsent(plugin, p -> new AtomicReferenceArray<>(RCODES));
      }
      Counter.Child child = byRcode.get(rcode);
      if (child == null) {
        child = responses.labels(server, zone, VIEW, Rcode.string(rcode), plugin);
        byRcode.set(rcode, child);
      }
      child.inc();
    }
  }
}
