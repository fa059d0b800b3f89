package dev.corvus.dns.plugin.shed;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.metrics.Counter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Drops UDP queries while the server is overloaded ({@link
 * dev.corvus.dns.api.QueryContext#overloaded()}), before the rest of the chain runs: in CoreDNS
 * work admitted while the socket cannot keep up only produces a response that is thrown away, and
 * a UDP client retries elsewhere. TCP clients wait for their answer, so TCP is never shed here.
 */
final class ShedHandler implements Handler {

  private final Counter.Child droppedQueries;

  ShedHandler(Counter.Child droppedQueries) {
    this.droppedQueries = droppedQueries;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (request.transport() != Transport.UDP || !request.context().overloaded()) {
      return chain.proceed(request);
    }
    if (chain.explaining()) {
      chain.note("the server is at its in-flight bound: this UDP query would be dropped");
      return chain.proceed(request);
    }
    droppedQueries.inc();
    return CompletableFuture.failedFuture(DnsException.shed("shed: the server is at its in-flight bound"));
  }
}
