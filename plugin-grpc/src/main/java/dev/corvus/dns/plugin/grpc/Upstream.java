package dev.corvus.dns.plugin.grpc;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Histogram;
import io.grpc.ManagedChannel;

/**
 * A started upstream: its gRPC channel (one HTTP/2 connection, made when first used and remade
 * when lost) and its metric children.
 */
record Upstream(UpstreamAddress address, ManagedChannel channel, Counter.Child requests, Histogram.Child duration) {

  String label() {
    return address.label();
  }
}
