package dev.corvus.dns.plugin.prometheus;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import java.net.Inet4Address;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Records CoreDNS's per-query metrics once the response is written, so that rcode and size are
 * what the client got and {@code plugin} is the directive that answered. A failure that is not a
 * {@link DnsException} counts in {@code coredns_panics_total}, as a recovered panic in CoreDNS.
 */
final class MetricsHandler implements Handler {

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
    QueryMetrics.ZoneMetrics zone = metrics.zone(request.server(), request.zone());
    request.context().onWritten((response, wireBytes) -> record(zone, request, requestSize, response, wireBytes));
    CompletionStage<Message> rest;
    try {
      rest = chain.proceed(request);
    } catch (RuntimeException e) {
      countPanic(e);
      throw e;
    }
    // An answer from memory is complete already: no stage to chain for it.
    if (rest instanceof CompletableFuture<Message> done && done.isDone() && !done.isCompletedExceptionally()) {
      return rest;
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

  private static void record(QueryMetrics.ZoneMetrics zone, Request request, int requestSize, Message response,
      int wireBytes) {
    Transport transport = request.transport();
    if (request.dnssecOk()) {
      zone.countDo();
    }
    zone.countRequest(transport, request.client().getAddress() instanceof Inet4Address, request.qtype());
    long elapsed = System.nanoTime() - request.context().startNanos();
    zone.observeDuration(elapsed / 1e9);
    zone.observeRequestSize(transport, requestSize);
    zone.observeResponseSize(transport, wireBytes);
    if (response != null) {
      zone.countResponse(response.getRcode(), request.context().respondedBy());
    }
  }

  private static int wireSize(Message m) {
    int n = m.numBytes();
    return n > 0 ? n : m.toWire().length;
  }
}
