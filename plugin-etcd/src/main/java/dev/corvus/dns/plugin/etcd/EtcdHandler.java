package dev.corvus.dns.plugin.etcd;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.plugin.Resolver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers the plugin's zones from the in-memory view as CoreDNS's etcd plugin answers them from
 * etcd: records authoritative, a name without keys NXDOMAIN (or passed on with {@code
 * fallthrough}), a name without records of the type NODATA, both with the made-up SOA. Answers
 * from memory complete on the I/O thread; only targets outside the zones are resolved through the
 * server.
 */
final class EtcdHandler implements Handler {

  private final EtcdConfig config;
  private final RecordView view;
  private final SkyDnsAnswers answers;
  private final Clock clock;
  private volatile Resolver resolver;

  EtcdHandler(EtcdConfig config, RecordView view, SkyDnsAnswers.Backend backend, Clock clock) {
    this.config = config;
    this.view = view;
    this.answers = new SkyDnsAnswers(backend);
    this.clock = clock;
  }

  /** The server's resolver, for targets outside the zones; set when the plugin starts. */
  void resolver(Resolver serverResolver) {
    this.resolver = serverResolver;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    Name zone = Names.longestMatch(qname, config.zones());
    if (zone == null) {
      return chain.proceed(request);
    }
    if (!view.loaded()) {
      // nothing read from etcd yet: no answer is better than a wrong NXDOMAIN
      return Responses.completedError(request, Rcode.SERVFAIL);
    }
    int qtype = request.qtype();
    Parts answer;
    Parts extra = new Parts();
    try {
      answer = switch (qtype) {
        case Type.A, Type.AAAA -> answers.address(zone, qname, qtype, List.of());
        case Type.TXT -> answers.txt(zone, qname, List.of());
        case Type.CNAME -> answers.cname(qname);
        case Type.PTR -> answers.ptr(qname);
        case Type.MX -> answers.mx(zone, qname, extra);
        case Type.SRV -> answers.srv(zone, qname, extra);
        case Type.SOA -> soaOnly(zone);
        case Type.NS -> qname.equals(zone) ? answers.ns(zone, qname, extra) : existence(zone, qname, qtype);
        default -> existence(zone, qname, qtype);
      };
    } catch (SkyDnsAnswers.Failure failure) {
      if (failure.nameError) {
        if (config.fallthrough().covers(qname)) {
          return chain.proceed(request);
        }
        return Responses.completed(negative(request, zone, Rcode.NXDOMAIN));
      }
      chain.note(failure.getMessage());
      return Responses.completed(negative(request, zone, Rcode.SERVFAIL));
    }
    if (!answer.hasDeferred() && !extra.hasDeferred()) {
      return Responses.completed(respond(request, zone, answer.records(), extra.records(), answer.truncated));
    }
    return resolve(answer).thenCombine(resolve(extra), (records, additional) ->
        respond(request, zone, records.records(), additional.records(), answer.truncated || records.truncated));
  }

  /** CoreDNS answers other types for a known name by looking the name up as A: NODATA, or NXDOMAIN. */
  private Parts existence(Name zone, Name qname, int qtype) throws SkyDnsAnswers.Failure {
    answers.address(zone, qname, qtype, List.of());
    return new Parts();
  }

  private Parts soaOnly(Name zone) {
    Parts parts = new Parts();
    parts.add(SkyDnsAnswers.soa(zone, clock.millis() / 1000));
    return parts;
  }

  private Message respond(Request request, Name zone, List<Record> records, List<Record> extra, boolean truncated) {
    if (records.isEmpty()) {
      return negative(request, zone, Rcode.NOERROR);
    }
    Message response = Responses.answer(request, records.toArray(Record[]::new));
    for (Record r : extra) {
      response.addRecord(r, Section.ADDITIONAL);
    }
    if (truncated) {
      response.getHeader().setFlag(Flags.TC);
    }
    return response;
  }

  private Message negative(Request request, Name zone, int rcode) {
    Message response = Responses.reply(request);
    response.getHeader().setRcode(rcode);
    response.getHeader().setFlag(Flags.AA);
    response.addRecord(SkyDnsAnswers.soa(zone, clock.millis() / 1000), Section.AUTHORITY);
    return response;
  }

  /** Resolves the deferred lookups of {@code parts} through the server, keeping the order. */
  private CompletionStage<Parts> resolve(Parts parts) {
    if (!parts.hasDeferred()) {
      return CompletableFuture.completedFuture(parts);
    }
    List<CompletableFuture<List<Record>>> pieces = new ArrayList<>();
    boolean[] truncated = new boolean[1];
    for (Object item : parts.items) {
      if (item instanceof Record record) {
        pieces.add(CompletableFuture.completedFuture(List.of(record)));
        continue;
      }
      Parts.Deferred lookup = (Parts.Deferred) item;
      pieces.add(lookup(lookup, truncated));
    }
    return CompletableFuture.allOf(pieces.toArray(CompletableFuture[]::new)).thenApply(done -> {
      Parts resolved = new Parts();
      for (CompletableFuture<List<Record>> piece : pieces) {
        piece.join().forEach(resolved::add);
      }
      resolved.truncated = parts.truncated || truncated[0];
      return resolved;
    });
  }

  private CompletableFuture<List<Record>> lookup(Parts.Deferred lookup, boolean[] truncated) {
    Resolver server = resolver;
    if (server == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    Message query = Message.newQuery(Record.newRecord(lookup.target(), lookup.type(), DClass.IN));
    return server.resolve(query).toCompletableFuture().handle((response, failure) -> {
      // CoreDNS leaves out a target whose lookup failed, CNAME included
      if (failure != null || response == null) {
        return List.<Record>of();
      }
      synchronized (truncated) {
        truncated[0] |= response.getHeader().getFlag(Flags.TC);
      }
      List<Record> records = new ArrayList<>();
      CNAMERecord cname = (CNAMERecord) lookup.cname();
      if (cname != null) {
        records.add(cname);
      }
      for (Record r : response.getSection(Section.ANSWER)) {
        if (!(lookup.dropCnames() && r.getType() == Type.CNAME)) {
          records.add(r);
        }
      }
      return records;
    });
  }
}
