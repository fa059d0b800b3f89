package dev.corvus.dns.plugin.cancel;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Completes the query with SERVFAIL when the rest of the chain has not answered within the
 * timeout (CoreDNS cancels the request's context; the plugin waiting on it then fails). The timer
 * runs on the plugin scheduler and is cancelled as soon as an answer arrives.
 */
final class CancelHandler implements Handler {

  private final Duration timeout;
  private final ScheduledExecutorService scheduler;

  CancelHandler(Duration timeout, ScheduledExecutorService scheduler) {
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    CompletionStage<Message> next = chain.proceed(chain.request());
    CompletableFuture<Message> answered = next.toCompletableFuture();
    if (answered.isDone()) {
      return next;
    }
    CompletableFuture<Message> result = new CompletableFuture<>();
    ScheduledFuture<?> timer = scheduler.schedule(
        () -> result.completeExceptionally(new DnsException(Rcode.SERVFAIL,
            "cancel: no answer within " + timeout.toMillis() + "ms", new TimeoutException())),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    next.whenComplete((response, failure) -> {
      timer.cancel(false);
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(response);
      }
    });
    return result;
  }
}
