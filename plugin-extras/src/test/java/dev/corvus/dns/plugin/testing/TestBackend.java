package dev.corvus.dns.plugin.testing;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.testkit.PluginTestKit;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.xbill.DNS.Message;

/**
 * What answers at the end of a chain in handler tests: a function of the request it is handed,
 * recording every request that reached it. {@link #run} puts handlers in front of it with the test
 * kit's chain harness ({@link PluginTestKit#chain}), as a server block's chain would run them.
 */
public final class TestBackend implements Handler {

  private final Function<Request, CompletionStage<Message>> answer;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private TestBackend(Function<Request, CompletionStage<Message>> answer) {
    this.answer = answer;
  }

  /** A backend answering with {@code answer}. */
  public static TestBackend of(Function<Request, CompletionStage<Message>> answer) {
    return new TestBackend(answer);
  }

  /** A backend answering every query with {@code rcode} and no records. */
  public static TestBackend answering(int rcode) {
    return new TestBackend(request -> Responses.completedError(request, rcode));
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    requests.add(chain.request());
    return answer.apply(chain.request());
  }

  /** The requests that reached this backend, in order. */
  public List<Request> requests() {
    return requests;
  }

  /**
   * Runs {@code request} through {@code handlers} in order and then this backend; waits at most
   * five seconds.
   *
   * @throws java.util.concurrent.CompletionException when the chain failed
   */
  public Message run(Request request, Handler... handlers) {
    Handler rest = this;
    for (int i = handlers.length - 1; i >= 0; i--) {
      Handler handler = handlers[i];
      Handler next = rest;
      rest = chain -> handler.handle(PluginTestKit.chain(chain.request(), next));
    }
    return last(rest, request);
  }

  /**
   * Runs {@code request} through {@code handler} with nothing after it ({@link Chain#hasNext()} is
   * false, and passing the query on fails); waits at most five seconds.
   *
   * @throws java.util.concurrent.CompletionException when the handler failed or passed the query on
   */
  public static Message alone(Handler handler, Request request) {
    return last(handler, request);
  }

  /** The kit's chain hands its rest a chain of its own with nothing after it: that is where {@code handler} runs. */
  private static Message last(Handler handler, Request request) {
    return PluginTestKit.chain(request, handler).proceed(request).toCompletableFuture()
        .orTimeout(5, TimeUnit.SECONDS).join();
  }
}
