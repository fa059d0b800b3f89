package dev.corvus.dns.plugin.whoami;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;

/**
 * Answers like CoreDNS's whoami: an authoritative reply with an empty answer section and, in the
 * additional section, the client's address as A or AAAA under the query name and {@code
 * _<proto>.<qname> SRV 0 0 <port> .}, all with TTL 0. Every query type gets this answer.
 */
final class WhoamiHandler implements Handler {

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Message response = Responses.answer(request);
    Name qname = request.qname();
    InetAddress ip = request.client().getAddress();
    // Java maps ::ffff:a.b.c.d to an Inet4Address, matching CoreDNS's To4() family test.
    Record address =
        ip instanceof Inet4Address
            ? new ARecord(qname, request.qclass(), 0, ip)
            : new AAAARecord(qname, request.qclass(), 0, ip);
    response.addRecord(address, Section.ADDITIONAL);
    Name srvName = srvName(request.transport().protocolLabel(), qname);
    if (srvName != null) {
      response.addRecord(
          new SRVRecord(srvName, request.qclass(), 0, 0, 0, request.client().getPort(), Name.root),
          Section.ADDITIONAL);
    }
    return Responses.completed(response);
  }

  private static final Name UDP = Name.fromConstantString("_udp");
  private static final Name TCP = Name.fromConstantString("_tcp");

  /** {@code _udp.<qname>}, or {@code null} when the result would exceed 255 octets. */
  private static Name srvName(String proto, Name qname) {
    Name prefix = switch (proto) {
      case "udp" -> UDP;
      case "tcp" -> TCP;
      default -> Name.fromConstantString("_" + proto);
    };
    try {
      return Name.concatenate(prefix, qname);
    } catch (NameTooLongException e) {
      return null;
    }
  }
}
