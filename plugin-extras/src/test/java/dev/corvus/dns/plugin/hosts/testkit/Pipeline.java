package dev.corvus.dns.plugin.hosts.testkit;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Runs handlers in order as a server block's chain does, ending with a recording backend (or
 * SERVFAIL when there is none, as the server answers when no handler is left).
 */
public final class Pipeline {

  private final List<Handler> handlers;
  private final Function<Request, CompletionStage<Message>> backend;
  private final List<Request> reachedBackend = new CopyOnWriteArrayList<>();

  private Pipeline(List<Handler> handlers, Function<Request, CompletionStage<Message>> backend) {
    this.handlers = List.copyOf(handlers);
    this.backend = backend;
  }

  /** {@code handler} with nothing after it. */
  public static Pipeline of(Handler handler) {
    return new Pipeline(List.of(handler), null);
  }

  /** {@code handler} followed by {@code backend}, whose requests are recorded. */
  public static Pipeline of(Handler handler, Function<Request, CompletionStage<Message>> backend) {
    return new Pipeline(List.of(handler), backend);
  }

  /** {@code handlers} followed by {@code backend}, whose requests are recorded. */
  public static Pipeline of(List<Handler> handlers, Function<Request, CompletionStage<Message>> backend) {
    return new Pipeline(new ArrayList<>(handlers), backend);
  }

  /** A backend that answers every query with {@code rcode} and no records. */
  public static Function<Request, CompletionStage<Message>> answering(int rcode) {
    return request -> Responses.completedError(request, rcode);
  }

  /** The requests that reached the backend, in order. */
  public List<Request> reachedBackend() {
    return reachedBackend;
  }

  /** Runs {@code request} through the pipeline and waits for the response. */
  public Message run(Request request) {
    return stage(request).toCompletableFuture().join();
  }

  /** Runs {@code request} through the pipeline. */
  public CompletionStage<Message> stage(Request request) {
    return chainAt(0, request).proceed(request);
  }

  private Chain chainAt(int index, Request current) {
    return new Chain() {
      @Override
      public Request request() {
        return current;
      }

      @Override
      public CompletionStage<Message> proceed(Request request) {
        if (index < handlers.size()) {
          return handlers.get(index).handle(chainAt(index + 1, request));
        }
        if (backend == null) {
          return Responses.completedError(request, Rcode.SERVFAIL);
        }
        reachedBackend.add(request);
        return backend.apply(request);
      }

      @Override
      public boolean hasNext() {
        return index < handlers.size() || backend != null;
      }
    };
  }
}
