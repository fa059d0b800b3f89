package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.plugin.rewrite.Rule.ResponseRule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One {@code rewrite} directive. Rules of several directives apply in Corefile order to the query
 * and in reverse order to the response (each handler wraps the ones after it); once a rule in
 * {@code stop} mode matched, the later rewrite directives leave the query alone. The response
 * always carries the question the handler was given.
 */
final class RewriteHandler implements Handler {

  /** Set once a {@code stop} rule rewrote this query. */
  static final QueryContext.Key<Boolean> STOPPED = new QueryContext.Key<>("rewrite.stopped");

  private final Rule rule;
  private final boolean stop;

  RewriteHandler(Rule rule, boolean stop) {
    this.rule = rule;
    this.stop = stop;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (Boolean.TRUE.equals(request.context().get(STOPPED))) {
      if (chain.explaining()) {
        chain.note("skipped: an earlier rewrite rule said stop");
      }
      return chain.proceed(request);
    }
    Rule.Rewrite rewrite;
    try {
      rewrite = rule.apply(request);
    } catch (Rule.RewriteException e) {
      return CompletableFuture.failedFuture(new DnsException(Rcode.SERVFAIL, "rewrite: " + e.getMessage(), e));
    }
    if (rewrite == null) {
      if (chain.explaining()) {
        chain.note("no rule matched: passed on unchanged");
      }
      return chain.proceed(request);
    }
    if (chain.explaining()) {
      chain.note("rule matched: asks for " + rewrite.query().getQuestion().getName() + " "
          + org.xbill.DNS.Type.string(rewrite.query().getQuestion().getType())
          + (rewrite.responseRules().isEmpty() ? "" : "; the answer is rewritten back to the asked name")
          + (stop && rewrite.matched() ? "; stop: later rewrite rules are skipped" : ""));
    }
    if (stop && rewrite.matched()) {
      request.context().put(STOPPED, true);
    }
    Record asked = request.question();
    CompletionStage<Message> answered = chain.proceed(request.withMessage(rewrite.query()));
    if (rule instanceof CnameTargetRule cname) {
      answered = answered.thenCompose(response -> cname.rewriteResponse(request, response));
    }
    return answered.thenApply(response -> {
      // the response may be shared (a cache keeps it): change a copy
      Message copy = response.clone();
      for (ResponseRule responseRule : rewrite.responseRules()) {
        responseRule.apply(copy);
      }
      copy.removeAllRecords(Section.QUESTION);
      copy.addRecord(asked, Section.QUESTION);
      return copy;
    });
  }
}
