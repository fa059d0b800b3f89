package dev.corvus.dns.plugin.file;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.plugin.Resolver;
import dev.corvus.dns.plugin.file.ZoneLookup.Outcome;
import dev.corvus.dns.plugin.file.ZoneLookup.ZoneAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers from a table of zones ({@code file}, {@code auto}, {@code secondary}); the zone whose
 * origin is the longest suffix of the query name answers it. Zone transfers that reach it are
 * refused: the {@code transfer} directive, earlier in the chain, answers those it is configured
 * for, and CoreDNS's {@code file} refuses the others.
 */
public final class FileHandler implements Handler {

  private final Fallthrough fallthrough;
  private final ZoneTable zones;
  private final Resolver resolver;

  /**
   * @param fallthrough which names that do not exist go to the next handler
   * @param zones the zones answered from
   * @param resolver asks the server for CNAME targets outside the zone, as CoreDNS's {@code file}
   *     does through its upstream
   */
  public FileHandler(Fallthrough fallthrough, ZoneTable zones, Resolver resolver) {
    this.fallthrough = fallthrough;
    this.zones = zones;
    this.resolver = resolver;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name origin = zones.originOf(request.qname());
    if (origin == null) {
      // CoreDNS: an authoritative server with nothing after it refuses foreign names
      return chain.hasNext() ? chain.proceed(request) : Responses.completedError(request, Rcode.REFUSED);
    }
    if (request.qtype() == Type.AXFR || request.qtype() == Type.IXFR) {
      return Responses.completedError(request, Rcode.REFUSED);
    }
    ZoneData zone = zones.zone(origin);
    if (zone == null) {
      return chain.hasNext() ? chain.proceed(request) : Responses.completedError(request, Rcode.REFUSED);
    }
    ZoneAnswer found = ZoneLookup.lookup(zone, request.qname(), request.qtype(), request.dnssecOk());
    if (fallsThrough(found, request)) {
      return chain.proceed(request);
    }
    if (found.outcome() == Outcome.EXTERNAL) {
      return resolveTarget(chain, zone, found);
    }
    int rcode = found.outcome() == Outcome.NXDOMAIN ? Rcode.NXDOMAIN : Rcode.NOERROR;
    // RFC 1034 §4.3.2: a referral is not authoritative; an alias before it is
    boolean authoritative = found.outcome() != Outcome.REFERRAL || !found.answer().isEmpty();
    return Responses.completed(
        response(request, rcode, authoritative, found.answer(), found.authority(), found.additional()));
  }

  /**
   * CoreDNS falls through when it has no answer for a name that does not exist, and for an empty
   * non-terminal (its lookup reports those as a success without records).
   */
  private boolean fallsThrough(ZoneAnswer found, Request request) {
    boolean missing = found.outcome() == Outcome.NXDOMAIN || found.outcome() == Outcome.EMPTY_NON_TERMINAL;
    return missing && found.answer().isEmpty() && fallthrough.covers(request.qname());
  }

  /**
   * Asks the server for the target of an alias that leaves the zone and appends its answer, with
   * the rcode of the target's lookup (RFC 6604 §3). A query that came through the server itself is
   * not resolved further, so that aliases between zones cannot loop; an explanation does not send
   * real queries.
   */
  private CompletionStage<Message> resolveTarget(Chain chain, ZoneData zone, ZoneAnswer found) {
    Request request = chain.request();
    if (request.transport() == Transport.INTERNAL || chain.explaining()) {
      chain.note("alias target " + found.external() + " is outside the zone: not resolved here");
      return Responses.completed(response(request, Rcode.NOERROR, true, found.answer(), ZoneLookup.apexNs(zone),
          ZoneLookup.additionalFor(zone, found.answer())));
    }
    Message lookup = Message.newQuery(Record.newRecord(found.external(), request.qtype(), request.qclass()));
    lookup.getHeader().setFlag(Flags.RD);
    return resolver.resolve(lookup).handle((target, failure) -> {
      List<Record> answer = new ArrayList<>(found.answer());
      int rcode = failure != null || target == null ? Rcode.SERVFAIL : target.getRcode();
      if (failure == null && target != null) {
        answer.addAll(target.getSection(Section.ANSWER));
      }
      // CoreDNS's file plugin: NXDOMAIN and an empty NOERROR carry the SOA, anything else the apex NS
      boolean negative = rcode == Rcode.NXDOMAIN || (rcode == Rcode.NOERROR && answer.size() == found.answer().size());
      List<Record> authority = negative ? List.of(zone.soa()) : ZoneLookup.apexNs(zone);
      int answered = rcode == Rcode.NXDOMAIN || rcode == Rcode.SERVFAIL ? rcode : Rcode.NOERROR;
      return response(request, answered, true, answer, authority, ZoneLookup.additionalFor(zone, answer));
    });
  }

  private static Message response(Request request, int rcode, boolean authoritative, List<Record> answer,
      List<Record> authority, List<Record> additional) {
    Message response = Responses.reply(request);
    if (authoritative) {
      response.getHeader().setFlag(Flags.AA);
    }
    response.getHeader().setRcode(rcode);
    for (Record r : answer) {
      response.addRecord(r, Section.ANSWER);
    }
    for (Record r : authority) {
      response.addRecord(r, Section.AUTHORITY);
    }
    for (Record r : additional) {
      if (!response.findRecord(r, Section.ADDITIONAL)) {
        response.addRecord(r, Section.ADDITIONAL);
      }
    }
    return response;
  }
}
