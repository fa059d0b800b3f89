package com.example.corvus.blocklist;

import com.example.corvus.blocklist.BlocklistConfig.Action;
import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.metrics.Counter;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Answers queries for blocked names and passes every other query on. Answers from memory, so it
 * returns completed stages and never blocks the I/O thread.
 */
final class BlocklistHandler implements Handler {

  /** The TTL of {@code respond null} answers, short so that unblocking takes effect quickly. */
  static final long NULL_TTL = 60;

  private static final InetAddress UNSPECIFIED_V4 = Names.parseAddressLiteral("0.0.0.0");
  private static final InetAddress UNSPECIFIED_V6 = Names.parseAddressLiteral("::");

  private final Supplier<Blocklist> list;
  private final Action action;
  private final Counter.Child blocked;

  /**
   * @param list the current list; the plugin replaces it when it reads the file again
   * @param action how blocked queries are answered
   * @param blocked counts blocked queries
   */
  BlocklistHandler(Supplier<Blocklist> list, Action action, Counter.Child blocked) {
    this.list = list;
    this.action = action;
    this.blocked = blocked;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!list.get().blocks(request.lowerName())) {
      return chain.proceed(request);
    }
    blocked.inc();
    return Responses.completed(blockedAnswer(request));
  }

  private Message blockedAnswer(Request request) {
    return switch (action) {
      case NXDOMAIN -> Responses.error(request, Rcode.NXDOMAIN);
      case REFUSED -> Responses.error(request, Rcode.REFUSED);
      case NULL -> switch (request.qtype()) {
        case Type.A -> Responses.answer(request,
            new ARecord(request.qname(), DClass.IN, NULL_TTL, UNSPECIFIED_V4));
        case Type.AAAA -> Responses.answer(request,
            new AAAARecord(request.qname(), DClass.IN, NULL_TTL, UNSPECIFIED_V6));
        default -> Responses.answer(request);
      };
    };
  }
}
