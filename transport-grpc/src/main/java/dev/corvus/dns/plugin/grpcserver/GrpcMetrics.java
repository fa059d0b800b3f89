package dev.corvus.dns.plugin.grpcserver;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What a gRPC listener counts beyond the server's request metrics (CoreDNS has no metric of its
 * own here; these are Corvus's, shaped as {@code coredns_dns_https_responses_total}): every call
 * by the gRPC status it ended with, which includes the calls gRPC itself refuses before a query
 * is read (an oversized message: {@code RESOURCE_EXHAUSTED}; a body that is no {@code DnsPacket}:
 * {@code INVALID_ARGUMENT}), and the connections {@code max_connections} turned away.
 */
final class GrpcMetrics extends ServerStreamTracer.Factory {

  private static final Counter.Child NOT_COUNTED = new Counter.Child() {
    @Override
    public void inc(double amount) {}

    @Override
    public double get() {
      return 0;
    }
  };

  private final Optional<Counter> responses;
  private final String server;
  private final ConcurrentMap<Status.Code, Counter.Child> byStatus = new ConcurrentHashMap<>();
  final Counter.Child rejectedConnections;

  GrpcMetrics(Optional<Metrics> metrics, String server) {
    this.server = server;
    responses = metrics.map(m -> m.counter("corvus_dns_grpc_responses_total",
        "Counter of DNS-over-gRPC calls per server and the gRPC status they ended with.", "server", "status"));
    rejectedConnections = metrics.map(m -> m.counter("corvus_dns_grpc_rejected_connections_total",
        "Counter of DNS-over-gRPC connections closed at once because max_connections were open.", "server")
        .labels(server)).orElse(NOT_COUNTED);
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new ServerStreamTracer() {
      @Override
      public void streamClosed(Status status) {
        // a series appears with the first call ending with its status, as CoreDNS's do
        byStatus.computeIfAbsent(status.getCode(),
            code -> responses.map(c -> c.labels(server, code.name())).orElse(NOT_COUNTED)).inc();
      }
    };
  }
}
