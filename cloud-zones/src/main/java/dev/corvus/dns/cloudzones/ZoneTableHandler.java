package dev.corvus.dns.cloudzones;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Fallthrough;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.plugin.Resolver;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Answers the configured zones from the listed zones' in-memory records as CoreDNS's route53,
 * clouddns and azure plugins do: the listed zones of a name are asked in order and the first with
 * an answer (or NODATA) wins; otherwise the last one's NXDOMAIN, empty non-terminal or referral
 * stands, unless {@code fallthrough} passes the query on. Completes on the I/O thread; only a
 * CNAME leaving the zone is resolved through the server.
 */
final class ZoneTableHandler implements Handler {

  private final ZoneTable<?> table;
  private final Fallthrough fallthrough;
  private volatile boolean loaded;
  private volatile Resolver resolver;

  ZoneTableHandler(ZoneTable<?> table, Fallthrough fallthrough) {
    this.table = table;
    this.fallthrough = fallthrough;
  }

  void resolver(Resolver serverResolver) {
    this.resolver = serverResolver;
  }

  void loaded() {
    this.loaded = true;
  }

  boolean isLoaded() {
    return loaded;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    Name zone = Names.longestMatch(qname, table.names());
    if (zone == null) {
      return chain.proceed(request);
    }
    if (!loaded) {
      // nothing listed yet: no answer is better than a wrong NXDOMAIN
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    AtomicReferenceArray<ZoneRecords> listed = table.records(zone);
    ZoneRecords.Lookup found = null;
    for (int i = 0; i < listed.length(); i++) {
      found = listed.get(i).lookup(qname, request.qtype());
      if (!found.answer().isEmpty() || found.result() == ZoneRecords.Result.NO_DATA) {
        break;
      }
    }
    if (found.answer().isEmpty() && found.result() != ZoneRecords.Result.NO_DATA && fallthrough.covers(qname)) {
      return chain.proceed(request);
    }
    Message response = Responses.reply(request);
    if (found.result() != ZoneRecords.Result.DELEGATION) {
      response.getHeader().setFlag(Flags.AA);
    }
    if (found.result() == ZoneRecords.Result.NAME_ERROR) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
    }
    add(response, found.answer(), Section.ANSWER);
    add(response, found.authority(), Section.AUTHORITY);
    add(response, found.additional(), Section.ADDITIONAL);
    Resolver upstream = resolver;
    if (found.cnameTarget() == null || upstream == null) {
      return Responses.completed(response);
    }
    // as CoreDNS's file plugin: a CNAME leaving the zone is followed through the server
    Message query = Message.newQuery(Record.newRecord(found.cnameTarget(), request.qtype(), request.qclass()));
    return upstream.resolve(query).handle((resolved, failure) -> {
      if (failure == null) {
        add(response, resolved.getSection(Section.ANSWER), Section.ANSWER);
      }
      return response;
    });
  }

  private static void add(Message response, List<Record> records, int section) {
    for (Record record : records) {
      response.addRecord(record, section);
    }
  }
}
