package dev.corvus.dns.plugin.cache;

import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Function;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/** Builders of upstream answers for tests. */
final class Answers {
  private Answers() {}

  /** An A answer with {@code ttl} and {@code address}. */
  static Function<Request, Message> a(long ttl, String address) {
    return request -> {
      try {
        return Responses.answer(
            request, new ARecord(request.qname(), DClass.IN, ttl, InetAddress.getByName(address)));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(address, e);
      }
    };
  }

  /** A answers with {@code ttl} whose address counts up with every query: 10.0.0.1, 10.0.0.2... */
  static Function<Request, Message> counting(long ttl) {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    return request -> a(ttl, "10.0.0." + next.incrementAndGet()).apply(request);
  }

  /** NXDOMAIN with the zone's SOA in the authority section. */
  static Function<Request, Message> nxdomain(String zone, long soaTtl, long soaMinimum) {
    return request -> negative(request, Rcode.NXDOMAIN, zone, soaTtl, soaMinimum);
  }

  /** NOERROR without answers (NODATA) with the zone's SOA. */
  static Function<Request, Message> nodata(String zone, long soaTtl, long soaMinimum) {
    return request -> negative(request, Rcode.NOERROR, zone, soaTtl, soaMinimum);
  }

  /** A bare error response. */
  static Function<Request, Message> rcode(int rcode) {
    return request -> Responses.error(request, rcode);
  }

  private static Message negative(Request request, int rcode, String zone, long soaTtl, long soaMinimum) {
    Message response = Responses.error(request, rcode);
    Name origin = Name.fromConstantString(zone);
    response.addRecord(
        new SOARecord(
            origin,
            DClass.IN,
            soaTtl,
            Name.fromConstantString("ns." + zone),
            Name.fromConstantString("hostmaster." + zone),
            1,
            3600,
            600,
            86400,
            soaMinimum),
        Section.AUTHORITY);
    return response;
  }
}
