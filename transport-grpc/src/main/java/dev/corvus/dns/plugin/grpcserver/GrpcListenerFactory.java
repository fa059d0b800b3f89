package dev.corvus.dns.plugin.grpcserver;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.QueryService;
import java.io.IOException;

/**
 * The {@code grpc://} scheme: CoreDNS's DNS over gRPC ({@code coredns.dns.DnsService/Query}) on
 * HTTP/2, with TLS when the block has a {@code tls} directive and in plain text (h2c) without, as
 * CoreDNS serves it.
 */
@AutoService(ListenerFactory.class)
public final class GrpcListenerFactory implements ListenerFactory {

  @Override
  public String scheme() {
    return "grpc";
  }

  @Override
  public Listener bind(ListenerSpec spec, QueryService queries) throws IOException {
    return GrpcListener.bind(spec, queries, spec.plugin(GrpcServerSettings.class).orElse(GrpcServerSettings.DEFAULTS));
  }
}
