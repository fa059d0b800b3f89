/**
 * The metric registry plugins register through ({@link dev.corvus.dns.api.metrics.Metrics}),
 * exposed in Prometheus's text format by the {@code prometheus} directive. Use CoreDNS's names,
 * labels and buckets where CoreDNS has the same metric.
 */
package dev.corvus.dns.api.metrics;
