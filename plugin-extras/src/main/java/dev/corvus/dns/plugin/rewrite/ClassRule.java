package dev.corvus.dns.plugin.rewrite;

import dev.corvus.dns.api.Request;
import java.util.List;
import org.xbill.DNS.Record;

/**
 * {@code class FROM TO}: asks in another class (e.g. CH to IN).
 *
 * @param from the class to match
 * @param to the class to ask in instead
 */
record ClassRule(int from, int to) implements Rule {
  @Override
  public Rewrite apply(Request request) {
    if (request.qclass() != from) {
      return null;
    }
    Record question = Record.newRecord(request.qname(), request.qtype(), to);
    return new Rewrite(Rule.withQuestion(request.message(), question), List.of());
  }
}
