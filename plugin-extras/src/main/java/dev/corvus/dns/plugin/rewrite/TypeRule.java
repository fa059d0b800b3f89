package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import java.util.List;
import org.xbill.DNS.Record;

/**
 * {@code type FROM TO}: asks for another record type (e.g. ANY to HINFO). The response keeps the
 * records of the new type; its question is restored by the handler.
 *
 * @param from the type to match
 * @param to the type to ask for instead
 */
record TypeRule(int from, int to) implements Rule {
  @Override
  public Rewrite apply(Request request) {
    if (request.qtype() != from) {
      return null;
    }
    Record question = Record.newRecord(request.qname(), to, request.qclass());
    return new Rewrite(Rule.withQuestion(request.message(), question), List.of());
  }
}
