package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The handler behind the cache in tests: answers from a table the test controls, counts the
 * queries that reach it, can be taken down (every query fails, as a dead upstream does) and can
 * hold its answers until the test releases them.
 */
final class ScriptedUpstream implements Handler {

  private final Map<String, Function<Request, Message>> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> callsByQuestion = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean down;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  /** Answers {@code name}/{@code type} with what {@code answer} builds for each query. */
  ScriptedUpstream answer(String name, int type, Function<Request, Message> answer) {
    answers.put(question(name, type), answer);
    return this;
  }

  /** Makes every query fail from now on (or work again). */
  void down(boolean isDown) {
    this.down = isDown;
  }

  /** Holds every answer until the returned future is completed. */
  CompletableFuture<Void> hold() {
    CompletableFuture<Void> held = new CompletableFuture<>();
    gate = held;
    return held;
  }

  int calls() {
    return calls.get();
  }

  int calls(String name, int type) {
    AtomicInteger count = callsByQuestion.get(question(name, type));
    return count == null ? 0 : count.get();
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    String question = question(request.lowerName(), request.qtype());
    calls.incrementAndGet();
    callsByQuestion.computeIfAbsent(question, q -> new AtomicInteger()).incrementAndGet();
    if (down) {
      return CompletableFuture.failedFuture(new DnsException(Rcode.SERVFAIL, "upstream is down"));
    }
    Function<Request, Message> answer = answers.get(question);
    Message response = answer == null ? Responses.error(request, Rcode.REFUSED) : answer.apply(request);
    return gate.thenApply(ignored -> response);
  }

  private static String question(String name, int type) {
    String lower = name.toLowerCase(Locale.ROOT);
    return (lower.endsWith(".") ? lower : lower + ".") + "/" + Type.string(type);
  }
}
