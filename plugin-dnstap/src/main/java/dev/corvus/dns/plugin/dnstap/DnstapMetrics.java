package dev.corvus.dns.plugin.dnstap;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import dev.corvus.dns.api.metrics.Metrics;

/**
 * The dnstap metrics. CoreDNS only logs its drops; Corvus counts them so that an alert can say a
 * collector is missing messages.
 */
final class DnstapMetrics {

  final Counter sent;
  final Counter dropped;
  final Gauge connected;

  DnstapMetrics(Metrics metrics) {
    sent = metrics.counter("corvus_dnstap_sent_messages_total", "dnstap messages written to the collector.", "endpoint");
    dropped =
        metrics.counter(
            "corvus_dnstap_dropped_messages_total",
            "dnstap messages dropped: queue_full when the collector is slower than the queries or gone for longer"
                + " than the queue holds, write_error when a write to it failed.",
            "endpoint",
            "reason");
    connected = metrics.gauge("corvus_dnstap_connected", "1 while connected to the dnstap collector.", "endpoint");
  }
}
