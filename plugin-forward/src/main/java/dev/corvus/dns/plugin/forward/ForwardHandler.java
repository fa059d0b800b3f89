package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.tap.ExchangeObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The {@code forward} handler: names in FROM and not under an {@code except} name go to the
 * upstreams, everything else to the next plugin. Identical questions in flight share one upstream
 * exchange; each client gets a copy with its own ID and its question as it asked it, and the
 * upstream's bytes are offered to the server with it ({@link RelayWire}), so that an answer nothing
 * changes on its way out is relayed rather than encoded again.
 *
 * <p>An explained query ({@link Chain#explaining()}) takes its own path: it neither joins nor
 * starts a shared exchange, is not counted against {@code max_concurrent}, does not advance the
 * round-robin turn, and leaves the upstreams' health, round-trip estimates and metrics as they
 * were; it still asks the upstreams and says what happened in notes.
 *
 * <p>A query's attempts run on the I/O loop that called the handler, on that loop's sockets, so
 * the answer reaches the client without a change of threads; a call from any other thread (a
 * test, the server's own resolver) takes the next loop.
 */
final class ForwardHandler implements Handler {

  private final ForwardConfig config;
  private final ForwardRuntime runtime;
  private final IoLoops loops;
  private final Ticker ticker;
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger robin = new AtomicInteger();
  private final SingleFlight<FlightKey, UpstreamAnswer> flights = new SingleFlight<>();
  private final AtomicLong sharedAnswers = new AtomicLong();

  ForwardHandler(ForwardConfig config, ForwardRuntime runtime, IoLoops loops, Ticker ticker) {
    this.config = config;
    this.runtime = runtime;
    this.loops = loops;
    this.ticker = ticker;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!matches(request.qname())) {
      if (chain.explaining()) {
        chain.note(whyNotForwarded(request.qname()));
      }
      return chain.proceed(request);
    }
    ForwardRuntime.Started started = runtime.started();
    if (started == null) {
      return CompletableFuture.failedFuture(new DnsException(Rcode.SERVFAIL, "forward: not started"));
    }
    if (chain.explaining()) {
      return explain(chain, started, request);
    }
    if (request.context().overloaded()) {
      // The server holds all the upstream waits it accepts: no exchange, no memory for this one.
      return CompletableFuture.failedFuture(DnsException.shed("forward: server at its in-flight bound"));
    }
    if (config.maxConcurrent() > 0) {
      if (concurrent.incrementAndGet() > config.maxConcurrent()) {
        concurrent.decrementAndGet();
        started.metrics().maxConcurrentRejects.inc();
        return CompletableFuture.failedFuture(
            new DnsException(Rcode.REFUSED, "concurrent queries exceeded maximum " + config.maxConcurrent()));
      }
    }
    CompletableFuture<UpstreamAnswer> upstreamAnswer =
        flights.run(FlightKey.of(request), () -> forward(started, request), sharedAnswers::incrementAndGet,
            UpstreamAnswer::forSoleHolder);
    if (config.maxConcurrent() > 0) {
      upstreamAnswer.whenComplete((answer, error) -> concurrent.decrementAndGet());
    }
    return relay(chain, request, upstreamAnswer);
  }

  /**
   * The response to this client once the upstream answered: {@link #respond}'s, or the next
   * plugin's when it passes the query on. One future per query (rather than a stage for the
   * response and another to pass on), failing as those stages did: with the cause wrapped in a
   * {@link CompletionException}.
   */
  private CompletableFuture<Message> relay(Chain chain, Request request, CompletableFuture<UpstreamAnswer> upstreamAnswer) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    upstreamAnswer.whenComplete(
        (answer, error) -> {
          Message response;
          try {
            response = respond(chain, request, answer, error);
          } catch (RuntimeException e) {
            result.completeExceptionally(wrapped(e));
            return;
          }
          if (response != null) {
            result.complete(response);
            return;
          }
          CompletionStage<Message> passedOn;
          try {
            passedOn = chain.proceed(request);
          } catch (RuntimeException e) {
            result.completeExceptionally(wrapped(e));
            return;
          }
          passedOn.whenComplete(
              (next, failure) -> {
                if (failure != null) {
                  result.completeExceptionally(wrapped(failure));
                } else {
                  result.complete(next);
                }
              });
        });
    return result;
  }

  private static CompletionException wrapped(Throwable error) {
    return error instanceof CompletionException completion ? completion : new CompletionException(error);
  }

  /**
   * An explained query: the same policy and failover as a real one, without single-flight,
   * concurrency accounting or any upstream bookkeeping.
   */
  private CompletionStage<Message> explain(Chain chain, ForwardRuntime.Started started, Request request) {
    ExplainNotes notes = new ExplainNotes(chain);
    if (config.maxConcurrent() > 0 && concurrent.get() >= config.maxConcurrent()) {
      notes.rejected(config.maxConcurrent());
      return CompletableFuture.failedFuture(
          new DnsException(Rcode.REFUSED, "concurrent queries exceeded maximum " + config.maxConcurrent()));
    }
    List<Upstream> order = order(started.upstreams().current(), false);
    notes.chose(config.policy(), order);
    FailoverExchange exchange =
        new FailoverExchange(
            config,
            started.metrics(),
            loops.currentOrNext(),
            ticker,
            order,
            request.message(),
            request.message().toWire(),
            protocolFor(request.transport()),
            notes,
            ExchangeObserver.NONE);
    return relay(chain, request, exchange.run());
  }

  /**
   * The response for this client, or {@code null} to pass the query to the next plugin. The
   * upstream's answer may be shared by several clients (single-flight): each gets its own copy with
   * its ID and its question as it asked it, and, when the answer can be relayed as it came, those
   * bytes offered to the server ({@link RelayWire}) so that it does not encode the message again.
   */
  private Message respond(Chain chain, Request request, UpstreamAnswer reply, Throwable error) {
    if (error != null) {
      Throwable cause = Upstream.unwrap(error);
      throw new DnsException(Rcode.SERVFAIL, "forward: " + cause.getMessage(), cause);
    }
    Message answer = reply.message();
    int rcode = answer.getRcode();
    if (config.nextRcodes().contains(rcode) && chain.hasNext()) {
      if (chain.explaining()) {
        new ExplainNotes(chain).passedOn(rcode);
      }
      return null;
    }
    if (config.nextOnNodata() && rcode == Rcode.NOERROR && answer.getHeader().getCount(Section.ANSWER) == 0
        && chain.hasNext()) {
      if (chain.explaining()) {
        new ExplainNotes(chain).passedOnNodata();
      }
      return null;
    }
    boolean spelledAsAsked = reply.spelledAsIn() == request.message();
    // Shared by the clients of one exchange: each gets its copy, unless it is the only one.
    Message copy = reply.soleHolder() ? answer : answer.clone();
    copy.getHeader().setID(request.id());
    if (!spelledAsAsked) {
      // The client sees its question exactly as it asked it (case included), not the flight owner's.
      copy.removeAllRecords(Section.QUESTION);
      copy.addRecord(request.question(), Section.QUESTION);
    }
    byte[] wire = reply.wire();
    if (wire != null && !spelledAsAsked) {
      // Another client's query was sent (single-flight), or the upstream changed the spelling.
      wire = RelayWire.forClient(wire, request.qname());
    }
    return wire == null ? copy : Responses.preEncoded(request, copy, wire);
  }

  private CompletableFuture<UpstreamAnswer> forward(ForwardRuntime.Started started, Request request) {
    List<Upstream> upstreams = started.upstreams().current();
    Message query = request.message();
    // The client's bytes as they came, when nothing changed the query: no encoding per query.
    byte[] wire = request.context().receivedQueryWire(query).orElseGet(query::toWire);
    FailoverExchange exchange =
        new FailoverExchange(
            config,
            started.metrics(),
            loops.currentOrNext(),
            ticker,
            order(upstreams, true),
            query,
            wire,
            protocolFor(request.transport()),
            null,
            // A shared exchange is reported to the query that started it (joiners see none).
            ExchangeObserver.of(request.context()));
    return exchange.run();
  }

  private UpstreamProtocol protocolFor(Transport transport) {
    if (config.forceTcp()) {
      return UpstreamProtocol.TCP;
    }
    if (config.preferUdp()) {
      return UpstreamProtocol.UDP;
    }
    return transport == Transport.TCP || transport == Transport.TLS ? UpstreamProtocol.TCP : UpstreamProtocol.UDP;
  }

  /**
   * The upstreams in the policy's order for one query.
   *
   * @param takeTurn whether round robin moves on to the next upstream; an explanation only looks
   */
  private List<Upstream> order(List<Upstream> upstreams, boolean takeTurn) {
    if (upstreams.size() <= 1) {
      return upstreams;
    }
    switch (config.policy()) {
      case SEQUENTIAL:
        return upstreams;
      case ROUND_ROBIN: {
        int turn = takeTurn ? robin.incrementAndGet() : robin.get() + 1;
        int first = Math.floorMod(turn, upstreams.size());
        List<Upstream> ordered = new ArrayList<>(upstreams.size());
        ordered.add(upstreams.get(first));
        for (int i = 0; i < upstreams.size(); i++) {
          if (i != first) {
            ordered.add(upstreams.get(i));
          }
        }
        return ordered;
      }
      default: {
        List<Upstream> shuffled = new ArrayList<>(upstreams);
        Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return shuffled;
      }
    }
  }

  /** Whether the name is forwarded: inside FROM, and FROM itself or not under an except name. */
  boolean matches(Name qname) {
    if (!qname.subdomain(config.from())) {
      return false;
    }
    if (qname.equals(config.from())) {
      return true;
    }
    for (Name ignored : config.except()) {
      if (qname.subdomain(ignored)) {
        return false;
      }
    }
    return true;
  }

  /** An explanation's line for a name this forward does not handle. */
  private String whyNotForwarded(Name qname) {
    if (!qname.subdomain(config.from())) {
      return "not in " + config.from() + ": passed on";
    }
    for (Name ignored : config.except()) {
      if (qname.subdomain(ignored)) {
        return "except: name matches " + ignored + ", passed on";
      }
    }
    return "passed on";
  }

  /** Queries that joined an exchange already in flight instead of starting one. */
  long sharedAnswers() {
    return sharedAnswers.get();
  }
}
