package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import java.util.List;

/**
 * {@code rcode [MATCH] NAME FROM TO}: changes the response code of matching queries.
 *
 * @param match how the query name is recognised
 * @param from the response code to replace
 * @param to the response code to use instead
 */
record RcodeRule(NameMatch match, int from, int to) implements Rule {
  @Override
  public Rewrite apply(Request request) {
    if (match.match(request.lowerName()) == null) {
      return null;
    }
    return new Rewrite(request.message(), List.of(response -> {
      if (response.getRcode() == from) {
        response.getHeader().setRcode(to);
      }
    }));
  }
}
