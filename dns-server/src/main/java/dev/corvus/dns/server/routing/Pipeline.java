package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * A server block's handlers in chain order, and the {@link Chain} that runs them. A handler that
 * returns without having called {@code proceed} produced the response; its directive is recorded
 * as {@link dev.corvus.dns.api.QueryContext#respondedBy()}.
 */
public final class Pipeline {

  private final Handler[] handlers;
  private final String[] directives;

  /**
   * @param steps the handlers in chain order with their directives
   */
  public Pipeline(List<Step> steps) {
    this.handlers = steps.stream().map(Step::handler).toArray(Handler[]::new);
    this.directives = steps.stream().map(Step::directive).toArray(String[]::new);
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
    return invoke(0, request);
  }

  /** The directives of the chain, in order. */
  public List<String> directives() {
    return List.of(directives);
  }

  private CompletionStage<Message> invoke(int index, Request request) {
    if (index == handlers.length) {
      return CompletableFuture.failedFuture(
          new DnsException(Rcode.SERVFAIL, "no next plugin found for " + request.qname()));
    }
    Position next = new Position(index + 1, request);
    CompletionStage<Message> result;
    try {
      result = handlers[index].handle(next);
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.failedFuture(e);
    }
    if (result == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("plugin " + directives[index] + " returned no response"));
    }
    if (!next.proceeded) {
      request.context().respondedBy(directives[index]);
    }
    return result;
  }

  /** The chain as handler {@code index - 1} sees it. */
  private final class Position implements Chain {
    private final int index;
    private final Request request;
    volatile boolean proceeded;

    Position(int index, Request request) {
      this.index = index;
      this.request = request;
    }

    @Override
    public Request request() {
      return request;
    }

    @Override
    public CompletionStage<Message> proceed(Request nextRequest) {
      proceeded = true;
      return invoke(index, nextRequest);
    }

    @Override
    public boolean hasNext() {
      return index < handlers.length;
    }
  }
}
