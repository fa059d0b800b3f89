package dev.corvus.dns.plugin.erratic;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers A with 192.0.2.53 and AAAA with 2001:db8::53 (TTL 3600, authoritative), every other
 * type with SERVFAIL; counts queries from 0 and drops, truncates or delays query N when N is a
 * multiple of the configured amount. A delay is a timer on the query's I/O loop.
 */
final class ErraticHandler implements Handler {

  private static final InetAddress V4 = address("192.0.2.53");
  private static final InetAddress V6 = address("2001:db8::53");

  private final ErraticConfig config;
  private final AtomicLong queries = new AtomicLong();

  ErraticHandler(ErraticConfig config) {
    this.config = config;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    long n = queries.getAndIncrement();
    if (hits(config.drop(), n)) {
      return CompletableFuture.failedFuture(DnsException.drop("erratic: query " + n + " dropped"));
    }
    Message response;
    if (request.qtype() == Type.A || request.qtype() == Type.AAAA) {
      response = Responses.answer(request);
      int copies = request.qtype() == Type.A && config.large() ? 30 : 1;
      for (int i = 0; i < copies; i++) {
        response.addRecord(request.qtype() == Type.A
            ? new ARecord(request.qname(), request.qclass(), 3600, V4)
            : new AAAARecord(request.qname(), request.qclass(), 3600, V6), Section.ANSWER);
      }
      response.getHeader().setFlag(Flags.AA);
    } else {
      response = Responses.error(request, Rcode.SERVFAIL);
    }
    if (hits(config.truncate(), n)) {
      response.getHeader().setFlag(Flags.TC);
    }
    if (!hits(config.delay(), n) || config.duration().isZero()) {
      return CompletableFuture.completedFuture(response);
    }
    CompletableFuture<Message> later = new CompletableFuture<>();
    Message delayed = response;
    request.context().loop().schedule(() -> later.complete(delayed), config.duration().toNanos());
    return later;
  }

  private static boolean hits(long amount, long n) {
    return amount > 0 && n % amount == 0;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
