/**
 * Taps on a query's exchanges with other servers: a handler that asks another server on a
 * query's behalf (an upstream, an authoritative server) reports each exchange to the {@link
 * dev.corvus.dns.api.tap.ExchangeObserver} of the query, which the {@code dnstap} directive
 * writes as {@code FORWARDER_QUERY}/{@code FORWARDER_RESPONSE} messages (or the kind's pair) and
 * the {@code trace} directive records as a child span. Neither the reporting plugin nor the
 * observing one depends on the other.
 */
package dev.corvus.dns.api.tap;
