package dev.corvus.dns.plugin.any;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.DClass;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers {@code ANY} with the HINFO record CoreDNS sends ({@code "ANY obsoleted" "See RFC
 * 8482"}, TTL 8482); other types go on.
 */
final class AnyHandler implements Handler {

  /** CoreDNS's TTL for the synthesized HINFO. */
  static final long TTL = 8482;

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (request.qtype() != Type.ANY) {
      return chain.proceed(request);
    }
    Message response = Responses.reply(request);
    response.addRecord(new HINFORecord(request.qname(), DClass.IN, TTL, "ANY obsoleted", "See RFC 8482"), Section.ANSWER);
    return Responses.completed(response);
  }
}
