package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.tap.ExchangeObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * One forwarded query, tried on the upstreams in policy order until one answers, following
 * CoreDNS's loop ({@code plugin/forward/forward.go}): upstreams that are down are skipped; when
 * all are down it counts a broken health check and either fails ({@code
 * failfast_all_unhealthy_upstreams}) or tries a random one; a failed attempt (a timeout, or at
 * once a port unreachable) starts the upstream's health check and moves on; attempts stop at the
 * query's 5 s budget or after {@code max_connect_attempts} failures (by default twice the number
 * of upstreams). A truncated UDP answer is asked again over TCP of the same upstream. Runs on one
 * I/O loop, whose sockets carry every attempt, entirely in callbacks: nothing here blocks.
 *
 * <p>For an explanation ({@code notes} given) the same loop runs without bookkeeping: no metrics,
 * no health checks, no round-trip observations; each step becomes a note instead.
 *
 * <p>Each attempt is reported to the query's {@link ExchangeObserver} ({@code dnstap} writes it
 * as FORWARDER_QUERY/FORWARDER_RESPONSE, {@code trace} records a {@code connect} span), as
 * CoreDNS taps every {@code proxy.Connect}; explanations are not reported.
 */
final class FailoverExchange {

  private final ForwardConfig config;
  private final ForwardMetrics metrics;
  private final IoLoop loop;
  private final Ticker ticker;
  private final List<Upstream> order;
  private final Message query;
  private final byte[] wire;
  private final Record question;
  private final UpstreamProtocol protocol;
  private final long deadline;
  private final int maxAttempts;
  private final ExplainNotes notes;
  private final ExchangeObserver observer;
  private final CompletableFuture<UpstreamAnswer> result = new CompletableFuture<>();

  private int index;
  private int downSkips;
  private int attempts;
  private int failoverAnswers;
  private Throwable lastError;
  private UpstreamAnswer lastAnswer;

  /**
   * @param loop the loop whose sockets carry the attempts, where every step runs
   * @param order the upstreams in the order the policy chose for this query
   * @param query the query as it is sent
   * @param wire {@code query}'s wire form (any ID; replaced per attempt): the client's bytes as
   *     received when the query is passed on unchanged, else {@code query.toWire()}
   * @param protocol UDP or TCP, chosen from the client's transport and the options
   * @param notes where an explanation's steps go; {@code null} for a real query
   * @param observer told about every attempt ({@link ExchangeObserver#NONE} for none)
   */
  FailoverExchange(
      ForwardConfig config,
      ForwardMetrics metrics,
      IoLoop loop,
      Ticker ticker,
      List<Upstream> order,
      Message query,
      byte[] wire,
      UpstreamProtocol protocol,
      ExplainNotes notes,
      ExchangeObserver observer) {
    this.notes = notes;
    this.observer = observer;
    this.config = config;
    this.metrics = metrics;
    this.loop = loop;
    this.ticker = ticker;
    this.order = order;
    this.query = query;
    this.wire = wire;
    this.question = query.getQuestion();
    this.protocol = protocol;
    this.deadline = ticker.read() + ForwardConfig.QUERY_BUDGET.toNanos();
    this.maxAttempts = config.maxConnectAttempts() > 0 ? config.maxConnectAttempts() : 2 * order.size();
  }

  /** Starts the exchange on its loop; the result is the first acceptable answer. */
  CompletableFuture<UpstreamAnswer> run() {
    if (order.isEmpty()) {
      // Only host names were configured, and none of them resolves (yet).
      UpstreamException none = new UpstreamException("no upstream: no TO has an address (a host name that does not resolve)");
      if (notes != null) {
        notes.outOfAttempts(none.getMessage());
      }
      result.completeExceptionally(none);
      return result;
    }
    if (loop.inLoop()) {
      next();
    } else {
      try {
        loop.execute(this::next);
      } catch (RuntimeException e) {
        result.completeExceptionally(new UpstreamException("forward: no I/O loop to send on: " + e.getMessage(), e));
      }
    }
    return result;
  }

  private void next() {
    while (true) {
      if (ticker.read() - deadline >= 0 || attempts >= maxAttempts) {
        finish();
        return;
      }
      if (index >= order.size()) {
        index = 0;
        downSkips = 0;
      }
      Upstream upstream = order.get(index++);
      if (upstream.isDown()) {
        downSkips++;
        if (downSkips < order.size()) {
          if (notes != null) {
            notes.skippedDown(upstream);
          }
          continue;
        }
        // Every upstream is down: assume the health checks are what is broken and try a random one.
        Upstream random =
            config.failfastAllUnhealthy() ? null : order.get(ThreadLocalRandom.current().nextInt(order.size()));
        if (notes != null) {
          notes.allDown(order, config.failfastAllUnhealthy(), random);
        } else {
          metrics.healthcheckBroken.inc();
        }
        if (random == null) {
          finish();
          return;
        }
        upstream = random;
      }
      send(upstream, upstream.protocolFor(protocol));
      return;
    }
  }

  private void send(Upstream upstream, UpstreamProtocol using) {
    long remaining = deadline - ticker.read();
    if (remaining <= 0) {
      finish();
      return;
    }
    long timeout = Math.min(upstream.timeoutNanos(), remaining);
    if (notes == null) {
      ExchangeObserver.Exchange tapped =
          observer.started(
              ExchangeObserver.Role.FORWARDER,
              "forward",
              upstream.address().address(),
              using != UpstreamProtocol.UDP,
              wire);
      upstream
          .query(loop, wire, question, using, timeout, remaining)
          .whenComplete(
              (answer, error) -> {
                tapped.finished(answer == null ? null : answer.message(), error == null ? null : Upstream.unwrap(error));
                onResult(upstream, using, answer, error);
              });
      return;
    }
    long start = ticker.read();
    upstream
        .exchange(loop, wire, question, using, timeout, remaining, Purpose.EXPLANATION)
        .whenComplete(
            (answer, error) -> {
              long elapsed = ticker.read() - start;
              if (error == null) {
                notes.answered(upstream, using, answer.message(), elapsed);
              } else if (!(Upstream.unwrap(error) instanceof UpstreamException.CachedConnectionClosed)) {
                notes.failed(upstream, using, Upstream.unwrap(error), elapsed, attempts + 1 < maxAttempts);
              }
              onResult(upstream, using, answer, error);
            });
  }

  private void onResult(Upstream upstream, UpstreamProtocol using, UpstreamAnswer reply, Throwable error) {
    if (error != null) {
      Throwable cause = Upstream.unwrap(error);
      if (cause instanceof UpstreamException.CachedConnectionClosed) {
        send(upstream, using);
        return;
      }
      lastError = cause;
      if (config.maxFails() != 0 && notes == null) {
        upstream.healthCheck();
      }
      attempts++;
      if (attempts >= maxAttempts || downSkips >= order.size()) {
        finish();
        return;
      }
      next();
      return;
    }
    Message answer = reply.message();
    if (answer.getHeader().getFlag(Flags.TC) && using == UpstreamProtocol.UDP) {
      if (notes != null) {
        notes.truncated(upstream);
      }
      send(upstream, UpstreamProtocol.TCP);
      return;
    }
    if (config.failoverRcodes().contains(answer.getRcode())) {
      failoverAnswers++;
      lastAnswer = reply;
      if (failoverAnswers < order.size()) {
        if (notes != null) {
          notes.failedOver(upstream, answer.getRcode());
        }
        next();
        return;
      }
    }
    result.complete(reply.checkedAgainst(query, wire));
  }

  private void finish() {
    if (lastAnswer != null) {
      result.complete(lastAnswer.checkedAgainst(query, wire));
      return;
    }
    Throwable failure = lastError != null ? lastError : new UpstreamException("no healthy upstreams");
    if (notes != null) {
      notes.outOfAttempts(
          attempts == 0 ? failure.getMessage() : attempts + " failed attempt(s), last: " + failure.getMessage());
    }
    result.completeExceptionally(failure);
  }
}
