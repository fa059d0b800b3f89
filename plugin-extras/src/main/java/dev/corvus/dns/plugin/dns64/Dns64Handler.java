package dev.corvus.dns.plugin.dns64;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.plugin.Resolver;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Synthesises AAAA answers from A records (RFC 6147) as CoreDNS's {@code dns64} does: an AAAA
 * query of class IN (from an IPv6 client, unless {@code allow_ipv4}) goes on down the chain; when
 * the answer is not NXDOMAIN and holds no AAAA record (or {@code translate_all}), the name's A
 * records are asked for through the server itself ({@link Resolver}, CoreDNS's {@code upstream})
 * and each becomes an AAAA record under the prefix. Nothing waits on the I/O thread: both lookups
 * are stages.
 */
final class Dns64Handler implements Handler {

  /** RFC 6147 §5.1.7: without a SOA in the AAAA answer, synthesised TTLs are at most 600 s. */
  static final long DEFAULT_SOA_TTL = 600;

  private final Dns64Config config;
  private final Resolver resolver;
  private final Counter.Child translated;

  Dns64Handler(Dns64Config config, Resolver resolver, Counter.Child translated) {
    this.config = config;
    this.resolver = resolver;
    this.translated = translated;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!intercepts(request)) {
      return chain.proceed(request);
    }
    return chain.proceed(request).thenCompose(response -> {
      if (!needsSynthesis(response)) {
        return CompletableFuture.completedFuture(response);
      }
      if (chain.explaining()) {
        chain.note("no AAAA in the answer: asking for " + request.qname() + " A to synthesise under " + config.prefix());
      }
      Message aQuery = request.message().clone();
      aQuery.removeAllRecords(Section.QUESTION);
      aQuery.addRecord(Record.newRecord(request.qname(), Type.A, DClass.IN), Section.QUESTION);
      return resolver.resolve(aQuery)
          .handle((aResponse, failure) -> {
            if (failure != null) {
              throw new DnsException(Rcode.SERVFAIL, "dns64: the A lookup for " + request.qname() + " failed", failure);
            }
            if (!chain.explaining()) {
              translated.inc();
            }
            return synthesize(request.message(), response, aResponse);
          });
    });
  }

  /** RFC 6147 §5.1: only AAAA queries of class IN, and only from IPv6 clients unless allowed. */
  boolean intercepts(Request request) {
    if (!config.allowIpv4() && !(request.client().getAddress() instanceof Inet6Address)) {
      return false;
    }
    return request.qtype() == Type.AAAA && request.qclass() == DClass.IN;
  }

  /**
   * RFC 6147 §5.1.2: NXDOMAIN is passed on as it is; any other rcode counts as an empty answer.
   * §5.1.1: an answer with AAAA records is kept, unless {@code translate_all}.
   */
  boolean needsSynthesis(Message response) {
    if (response.getRcode() == Rcode.NXDOMAIN) {
      return false;
    }
    if (config.translateAll()) {
      return true;
    }
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r.getType() == Type.AAAA) {
        return false;
      }
    }
    return true;
  }

  /**
   * The response to the AAAA query built from the A answer, as CoreDNS builds it: NOERROR, the
   * truncation bit, authority and additional records of the A answer (§5.3.2), its A records as
   * AAAA records and its other records unchanged (§5.3.3).
   */
  Message synthesize(Message query, Message aaaaResponse, Message aResponse) {
    Message out = new Message(query.getHeader().getID());
    out.getHeader().setFlag(Flags.QR);
    out.getHeader().setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      out.getHeader().setFlag(Flags.RD);
    }
    if (query.getHeader().getFlag(Flags.CD)) {
      out.getHeader().setFlag(Flags.CD);
    }
    if (aResponse.getHeader().getFlag(Flags.TC)) {
      out.getHeader().setFlag(Flags.TC);
    }
    out.addRecord(query.getQuestion(), Section.QUESTION);
    // §5.1.7: the TTL is at most the SOA's of the AAAA answer, 600 s when it has none
    long soaTtl = DEFAULT_SOA_TTL;
    for (Record r : aaaaResponse.getSection(Section.AUTHORITY)) {
      if (r.getType() == Type.SOA) {
        soaTtl = r.getTTL();
      }
    }
    for (Record r : aResponse.getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) {
        out.addRecord(new AAAARecord(a.getName(), a.getDClass(), Math.min(a.getTTL(), soaTtl),
            synthesizedAddress(config.prefix().networkBytes(), config.prefix().prefix(), a.getAddress())),
            Section.ANSWER);
      } else {
        out.addRecord(r, Section.ANSWER);
      }
    }
    for (Record r : aResponse.getSection(Section.AUTHORITY)) {
      out.addRecord(r, Section.AUTHORITY);
    }
    for (Record r : aResponse.getSection(Section.ADDITIONAL)) {
      if (r.getType() != Type.OPT) {
        out.addRecord(r, Section.ADDITIONAL);
      }
    }
    return out;
  }

  /**
   * The IPv4-embedded IPv6 address of RFC 6052 §2.2: the IPv4 address follows the prefix, skipping
   * bits 64 to 71 (the "u" octet), which stay zero.
   */
  static InetAddress synthesizedAddress(byte[] prefix, int prefixLength, InetAddress ipv4) {
    byte[] v4 = ((Inet4Address) ipv4).getAddress();
    byte[] v6 = new byte[16];
    int i = 0;
    for (; i < prefixLength / 8; i++) {
      v6[i] = prefix[i];
    }
    int j = 0;
    for (; j < 4; j++, i++) {
      if (i == 8) {
        i++;
      }
      v6[i] = v4[j];
    }
    try {
      return InetAddress.getByAddress(v6);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }
}
