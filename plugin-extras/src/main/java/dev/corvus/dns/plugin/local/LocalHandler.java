package dev.corvus.dns.plugin.local;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Local answers for {@code localhost.}, {@code 0.in-addr.arpa.}, {@code 127.in-addr.arpa.} and
 * {@code 255.in-addr.arpa.}, and loopback addresses for names below {@code localhost.} (and, with
 * the legacy prefix, names starting with {@code localhost.}), the way CoreDNS's {@code local}
 * answers them: TTL one week, SOA {@code localhost. root.localhost.}.
 */
final class LocalHandler implements Handler {

  private static final long TTL = 604800;
  private static final Name LOCALHOST = Names.zone("localhost.");
  private static final Name ROOT_LOCALHOST = Names.zone("root.localhost.");
  private static final Name LOOPBACK_PTR = Names.zone("1.0.0.127.in-addr.arpa.");
  private static final List<Name> ZONES = List.of(
      LOCALHOST, Names.zone("0.in-addr.arpa."), Names.zone("127.in-addr.arpa."), Names.zone("255.in-addr.arpa."));
  private static final InetAddress V4 = Names.parseAddressLiteral("127.0.0.1");
  private static final InetAddress V6 = Names.parseAddressLiteral("::1");

  private final boolean localhostPrefix;

  LocalHandler(boolean localhostPrefix) {
    this.localhostPrefix = localhostPrefix;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    String lower = request.lowerName();
    boolean below = qname.subdomain(LOCALHOST) && !qname.equals(LOCALHOST);
    boolean legacy = localhostPrefix && lower.startsWith("localhost.") && !qname.equals(LOCALHOST);
    if (below || legacy) {
      return Responses.completed(loopback(request));
    }
    Name zone = Names.longestMatch(qname, ZONES);
    if (zone == null) {
      return chain.proceed(request);
    }
    Message response = Responses.reply(request);
    int qtype = request.qtype();
    if (qname.equals(zone)) {
      switch (qtype) {
        case Type.A -> {
          if (zone.equals(LOCALHOST)) {
            response.addRecord(new ARecord(qname, DClass.IN, TTL, V4), Section.ANSWER);
          } else {
            response.addRecord(soa(qname), Section.AUTHORITY);
          }
        }
        case Type.AAAA -> {
          if (zone.equals(LOCALHOST)) {
            response.addRecord(new AAAARecord(qname, DClass.IN, TTL, V6), Section.ANSWER);
          } else {
            response.addRecord(soa(qname), Section.AUTHORITY);
          }
        }
        case Type.SOA -> response.addRecord(soa(qname), Section.ANSWER);
        case Type.NS -> response.addRecord(new NSRecord(qname, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
        default -> response.addRecord(soa(qname), Section.AUTHORITY);
      }
    } else if (qname.equals(LOOPBACK_PTR)) {
      if (qtype == Type.PTR) {
        response.addRecord(new PTRRecord(qname, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
      } else {
        response.addRecord(soa(zone), Section.AUTHORITY);
      }
    } else {
      response.addRecord(soa(zone), Section.AUTHORITY);
      response.getHeader().setRcode(Rcode.NXDOMAIN);
    }
    return Responses.completed(response);
  }

  private static Message loopback(Request request) {
    Message response = Responses.reply(request);
    Name qname = request.qname();
    switch (request.qtype()) {
      case Type.A -> response.addRecord(new ARecord(qname, DClass.IN, TTL, V4), Section.ANSWER);
      case Type.AAAA -> response.addRecord(new AAAARecord(qname, DClass.IN, TTL, V6), Section.ANSWER);
      default -> response.addRecord(soa(qname), Section.AUTHORITY);
    }
    return response;
  }

  private static SOARecord soa(Name origin) {
    return new SOARecord(origin, DClass.IN, TTL, LOCALHOST, ROOT_LOCALHOST, 1, 0, 0, 0, TTL);
  }
}
