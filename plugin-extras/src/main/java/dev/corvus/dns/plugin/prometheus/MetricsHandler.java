package dev.corvus.dns.plugin.prometheus;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import java.net.Inet4Address;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Records CoreDNS's per-query metrics once the response is written, so that rcode and size are
 * what the client got and {@code plugin} is the directive that answered. A failure that is not a
 * {@link DnsException} counts in {@code coredns_panics_total}, as a recovered panic in CoreDNS.
 */
final class MetricsHandler implements Handler {

  /** CoreDNS has views; Corvus has none, so the label is always empty. */
  private static final String VIEW = "";

  private final QueryMetrics metrics;

  MetricsHandler(QueryMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (chain.explaining()) {
      chain.note("not counted: explanations leave metrics unchanged");
      return chain.proceed(request);
    }
    int requestSize = wireSize(request.message());
    request.context().onWritten((response, wireBytes) -> record(request, requestSize, response, wireBytes));
    CompletionStage<Message> rest;
    try {
      rest = chain.proceed(request);
    } catch (RuntimeException e) {
      countPanic(e);
      throw e;
    }
    return rest.whenComplete((response, failure) -> {
      if (failure != null) {
        countPanic(failure);
      }
    });
  }

  private void countPanic(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (!(cause instanceof DnsException)) {
      metrics.panics.inc();
    }
  }

  private void record(Request request, int requestSize, Message response, int wireBytes) {
    String server = request.server();
    String zone = Names.lowerCase(request.zone());
    String proto = request.transport().protocolLabel();
    String family = request.client().getAddress() instanceof Inet4Address ? "1" : "2";
    if (request.dnssecOk()) {
      metrics.doRequests.labels(server, zone, VIEW).inc();
    }
    metrics.requests.labels(server, zone, VIEW, proto, family, QueryMetrics.typeLabel(request.qtype())).inc();
    long elapsed = System.nanoTime() - request.context().startNanos();
    metrics.duration.labels(server, zone, VIEW).observe(elapsed / 1e9);
    metrics.requestSize.labels(server, zone, VIEW, proto).observe(requestSize);
    metrics.responseSize.labels(server, zone, VIEW, proto).observe(wireBytes);
    if (response != null) {
      metrics.responses
          .labels(server, zone, VIEW, Rcode.string(response.getRcode()), request.context().respondedBy())
          .inc();
    }
  }

  private static int wireSize(Message m) {
    int n = m.numBytes();
    return n > 0 ? n : m.toWire().length;
  }
}
