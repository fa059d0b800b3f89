package dev.corvus.dns.server.proxyproto;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;

/**
 * {@code corvus_proxyproto_refused_total{proto, reason}}: datagrams dropped and connections
 * closed over a PROXY header, by {@code reason}: {@code rejected} (a header from a peer whose
 * policy is {@code reject}) or {@code invalid} (a malformed header, or one UDP cannot use).
 *
 * @param rejected refused by the policy
 * @param invalid malformed or unusable
 */
public record ProxyCounters(Counter.Child rejected, Counter.Child invalid) {

  /** The counters of one protocol, {@code udp} or {@code tcp}. */
  public static ProxyCounters of(Metrics metrics, String proto) {
    Counter counter = metrics.counter("corvus_proxyproto_refused_total",
        "Datagrams dropped and connections closed because of their PROXY protocol header.", "proto", "reason");
    return new ProxyCounters(counter.labels(proto, "rejected"), counter.labels(proto, "invalid"));
  }
}
