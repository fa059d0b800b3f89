package dev.corvus.dns.plugin.header;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;

/**
 * Applies the query rules to the query the later handlers see and the response rules to what they
 * return. Messages are copied before they change: a response may be shared with a cache.
 */
final class HeaderHandler implements Handler {

  private final List<FlagRule> queryRules;
  private final List<FlagRule> responseRules;

  HeaderHandler(List<FlagRule> queryRules, List<FlagRule> responseRules) {
    this.queryRules = queryRules;
    this.responseRules = responseRules;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!queryRules.isEmpty() && !FlagRule.unchanged(queryRules, request.message().getHeader())) {
      Message query = request.message().clone();
      FlagRule.apply(queryRules, query.getHeader());
      request = request.withMessage(query);
    }
    CompletionStage<Message> response = chain.proceed(request);
    if (responseRules.isEmpty()) {
      return response;
    }
    return response.thenApply(this::rewrite);
  }

  private Message rewrite(Message response) {
    if (FlagRule.unchanged(responseRules, response.getHeader())) {
      return response;
    }
    Message copy = response.clone();
    FlagRule.apply(responseRules, copy.getHeader());
    return copy;
  }
}
