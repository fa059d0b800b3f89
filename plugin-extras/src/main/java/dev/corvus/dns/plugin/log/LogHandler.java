package dev.corvus.dns.plugin.log;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Logs one line per query once the response is written (so rcode, size and duration are the ones
 * the client saw). The first rule whose name scope holds the query decides, as in CoreDNS; when a
 * Corefile has several {@code log} lines, the first handler that has a matching rule claims the
 * query and later ones stay silent.
 *
 * <p>On the I/O thread it only copies what the line needs ({@link LogFormat#capture}) and hands
 * it to its {@link LogSink}; rendering and writing happen on the sink's thread.
 */
final class LogHandler implements Handler {

  /** Marks a query some {@code log} handler already logs. */
  static final QueryContext.Key<Boolean> CLAIMED = new QueryContext.Key<>("log.claimed");

  private final List<LogRule> rules;
  private final LogSink sink;

  LogHandler(List<LogRule> rules, LogSink sink) {
    this.rules = List.copyOf(rules);
    this.sink = sink;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    QueryContext context = request.context();
    if (context.get(CLAIMED) == null) {
      for (LogRule rule : rules) {
        if (request.isIn(rule.scope())) {
          context.put(CLAIMED, Boolean.TRUE);
          int requestSize = LogFormat.wireSize(request.message());
          context.onWritten((response, wireBytes) -> write(rule, request, requestSize, response, wireBytes));
          break;
        }
      }
    }
    return chain.proceed(request);
  }

  private void write(LogRule rule, Request request, int requestSize, Message response, int wireBytes) {
    long elapsed = System.nanoTime() - request.context().startNanos();
    ResponseClass.ResponseType type = ResponseClass.typify(response);
    ResponseClass c = ResponseClass.classify(type);
    if (rule.logs(c)) {
      sink.submit(rule.format().capture(request, requestSize, response, wireBytes, elapsed, type, c));
    }
  }
}
