package dev.corvus.dns.plugin.minimal;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Strips the authority and additional sections of positive answers (CoreDNS's {@code minimal});
 * denials, errors and referrals pass unchanged because their authority section is the answer.
 * The OPT record stays.
 */
final class MinimalHandler implements Handler {

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    return chain.proceed(chain.request()).thenApply(MinimalHandler::minimise);
  }

  static Message minimise(Message response) {
    if (response.getRcode() != Rcode.NOERROR || response.getSection(Section.ANSWER).isEmpty()) {
      return response;
    }
    // the response may be shared (a cache keeps it): change a copy
    Message copy = response.clone();
    copy.removeAllRecords(Section.AUTHORITY);
    copy.removeAllRecords(Section.ADDITIONAL);
    for (Record r : response.getSection(Section.ADDITIONAL)) {
      if (r.getType() == Type.OPT) {
        copy.addRecord(r, Section.ADDITIONAL);
      }
    }
    return copy;
  }
}
