package dev.corvus.dns.server.routing;

import java.util.concurrent.CompletionException;
import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.capability.Explanation;
import dev.corvus.dns.api.plugin.ResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * A server block's handlers in chain order, and the {@link Chain} that runs them. A handler that
 * returns without having called {@code proceed} produced the response; its directive is recorded
 * as {@link dev.corvus.dns.api.QueryContext#respondedBy()}.
 */
public final class Pipeline {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final Handler[] handlers;
  private final String[] directives;
  private final List<ResponseObserver> observers;

  /**
   * @param steps the handlers in chain order with their directives
   */
  public Pipeline(List<Step> steps) {
    this(steps, List.of());
  }

  /**
   * @param steps the handlers in chain order with their directives
   * @param observers told about every response written for this chain's queries; the list is
   *     read at each response, so plugins created after this call may still add to it
   */
  public Pipeline(List<Step> steps, List<ResponseObserver> observers) {
    this.handlers = steps.stream().map(Step::handler).toArray(Handler[]::new);
    this.directives = steps.stream().map(Step::directive).toArray(String[]::new);
    this.observers = observers;
  }

  /** Tells the block's observers about a response the server wrote. */
  public void observe(Request request, Message response) {
    for (ResponseObserver observer : observers) {
      try {
        observer.observe(request, response);
      } catch (RuntimeException e) {
        LOG.warn("a response observer failed for {}: {}", request, e.toString());
      }
    }
  }

  /**
   * One handler of the chain.
   *
   * @param directive the directive it belongs to
   * @param handler the handler
   */
  public record Step(String directive, Handler handler) {}

  /** Runs the whole chain for {@code request}. */
  public CompletionStage<Message> run(Request request) {
    return invoke(0, request, null);
  }

  /**
   * Runs the whole chain for {@code request}, whose context must be {@linkplain
   * dev.corvus.dns.api.QueryContext#explaining() explaining}, and reports each handler's step.
   */
  public CompletionStage<Explanation> explain(Request request) {
    long start = System.nanoTime();
    ExplainTrace trace = new ExplainTrace();
    CompletionStage<Message> result;
    try {
      result = invoke(0, request, trace);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle((response, failure) -> {
      Message answer = failure == null ? response : Responses.error(request, failureRcode(failure));
      answer.getHeader().setID(request.id());
      return new Explanation(request.server(), request.zone().toString(), trace.steps(), answer,
          Duration.ofNanos(System.nanoTime() - start));
    });
  }

  /** {@code failure} without the {@link CompletionException} wrappers a stage adds. */
  public static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * The rcode a chain that failed with {@code failure} is answered with: the {@link DnsException}'s,
   * SERVFAIL for anything else and for drops (where an answer is built all the same).
   */
  public static int failureRcode(Throwable failure) {
    return cause(failure) instanceof DnsException dns && !dns.isDrop() ? dns.rcode() : Rcode.SERVFAIL;
  }

  /** The directives of the chain, in order. */
  public List<String> directives() {
    return List.of(directives);
  }

  private CompletionStage<Message> invoke(int index, Request request, ExplainTrace trace) {
    if (index == handlers.length) {
      return CompletableFuture.failedFuture(
          new DnsException(Rcode.SERVFAIL, "no next plugin found for " + request.qname()));
    }
    ExplainTrace.StepRecord step = trace == null ? null : trace.enter(directives[index], request);
    Position next = new Position(index + 1, request, trace, step);
    CompletionStage<Message> result;
    try {
      result = handlers[index].handle(next);
    } catch (RuntimeException | StackOverflowError e) {
      result = CompletableFuture.failedFuture(e);
    }
    if (result == null) {
      result = CompletableFuture.failedFuture(
          new IllegalStateException("plugin " + directives[index] + " returned no response"));
    }
    if (!next.proceeded && request.context() instanceof ServerQueryContext context) {
      context.respondedBy(directives[index]);
    }
    // The step is finished before anyone downstream of the returned stage sees the response.
    return step == null ? result : result.whenComplete(step::finish);
  }

  /** The chain as handler {@code index - 1} sees it. */
  private final class Position implements Chain {
    private final int index;
    private final Request request;
    private final ExplainTrace trace;
    private final ExplainTrace.StepRecord step;
    volatile boolean proceeded;

    Position(int index, Request request, ExplainTrace trace, ExplainTrace.StepRecord step) {
      this.index = index;
      this.request = request;
      this.trace = trace;
      this.step = step;
    }

    @Override
    public Request request() {
      return request;
    }

    @Override
    public CompletionStage<Message> proceed(Request nextRequest) {
      proceeded = true;
      CompletionStage<Message> rest = invoke(index, nextRequest, trace);
      return step == null ? rest : step.passedOn(nextRequest, rest);
    }

    @Override
    public boolean hasNext() {
      return index < handlers.length;
    }

    @Override
    public void note(String text) {
      if (step != null) {
        step.note(text);
      }
    }
  }
}
