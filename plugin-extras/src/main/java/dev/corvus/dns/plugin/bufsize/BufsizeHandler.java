package dev.corvus.dns.plugin.bufsize;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/** Lowers a query's advertised EDNS0 payload size to the configured one; a smaller one stays. */
final class BufsizeHandler implements Handler {

  private final int size;

  BufsizeHandler(int size) {
    this.size = size;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    OPTRecord opt = request.opt();
    if (opt == null || opt.getPayloadSize() <= size) {
      return chain.proceed(request);
    }
    Message query = request.message().clone();
    query.removeRecord(opt, Section.ADDITIONAL);
    query.addRecord(new OPTRecord(size, opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(), opt.getOptions()),
        Section.ADDITIONAL);
    return chain.proceed(request.withMessage(query));
  }
}
