package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.plugin.Resolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answers cluster names from memory, per the Kubernetes DNS specification and CoreDNS's {@code
 * kubernetes} plugin: A/AAAA, SRV, PTR, CNAME, TXT, NS and SOA, with NXDOMAIN and NODATA told apart
 * as CoreDNS does, the zone's SOA in the authority section of negative answers, and the client's
 * spelling of the name echoed. Only ExternalName targets outside the zone leave the I/O thread
 * (through the server's {@link Resolver}).
 */
final class KubernetesHandler implements Handler {

  /** The Kubernetes DNS schema version answered at {@code dns-version.ZONE}. */
  static final String SCHEMA_VERSION = "1.1.0";

  /** CoreDNS answers the schema version with this TTL. */
  private static final long SCHEMA_TTL = 28800;

  /** CoreDNS's {@code maxCnameChainLength}. */
  private static final int MAX_CNAME_CHAIN = 10;

  private final KubernetesConfig config;
  private final ClusterIndex index;
  private final RecordFinder finder;
  private final Resolver resolver;
  private final BooleanSupplier synced;
  private final SearchPathMonitor searchPaths;
  private final AnswerExplainer explainer;

  KubernetesHandler(
      KubernetesConfig config,
      ClusterIndex index,
      RecordFinder finder,
      Resolver resolver,
      BooleanSupplier synced,
      SearchPathMonitor searchPaths,
      AnswerExplainer explainer) {
    this.config = config;
    this.index = index;
    this.finder = finder;
    this.resolver = resolver;
    this.synced = synced;
    this.searchPaths = searchPaths;
    this.explainer = explainer;
  }

  /** What the lookup produced before it becomes a message. */
  private record Outcome(List<Record> answer, List<Record> extra, boolean nameError) {
    static final Outcome NODATA = new Outcome(List.of(), List.of(), false);
    static final Outcome NAME_ERROR = new Outcome(List.of(), List.of(), true);

    static Outcome of(List<Record> answer) {
      return new Outcome(answer, List.of(), false);
    }
  }

  /**
   * The query as the lookup sees it: the name, its labels left of the zone, the zone as the client
   * wrote it, the zone as configured, the type, and whether it is an explanation.
   */
  private record Query(Name qname, String[] labels, Name zone, Name matched, int qtype, boolean explaining) {}

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Name qname = request.qname();
    Name matched = Names.longestMatch(qname, config.zones());
    if (matched == null) {
      if (chain.explaining()) {
        chain.note("not in " + config.zones().stream().map(Name::toString).collect(java.util.stream.Collectors.joining(", "))
            + ": passed on");
      }
      return chain.proceed(request);
    }
    // The zone as the client wrote it, so that owner names and targets echo its spelling.
    Name zone = new Name(qname, qname.labels() - matched.labels());
    Query query =
        new Query(qname, labelsLeftOf(qname, matched), zone, matched, request.qtype(), chain.explaining());
    if (query.qtype == Type.AXFR || query.qtype == Type.IXFR) {
      if (query.explaining) {
        chain.note("zone transfers are refused: REFUSED");
      }
      return Responses.completedError(request, Rcode.REFUSED);
    }
    if ((query.qtype == Type.A || query.qtype == Type.AAAA)) {
      CompletableFuture<Outcome> outcome = addresses(query, 0).toCompletableFuture();
      // Addresses from the index are known at once (an ExternalName's target may take a query).
      if (outcome.isDone() && !outcome.isCompletedExceptionally()) {
        return finish(chain, request, query, outcome.getNow(null));
      }
      return outcome.thenCompose(found -> finish(chain, request, query, found));
    }
    return finish(chain, request, query, lookup(query));
  }

  private Outcome lookup(Query query) {
    return switch (query.qtype) {
      case Type.TXT -> txt(query);
      case Type.CNAME -> cname(query);
      case Type.PTR -> ptr(query);
      case Type.SRV -> srv(query);
      case Type.SOA -> query.labels.length == 0 ? Outcome.of(List.of(soa(query.zone))) : Outcome.NODATA;
      case Type.NS -> query.labels.length == 0 ? ns(query) : existence(query);
      default -> existence(query);
    };
  }

  private CompletionStage<Message> finish(Chain chain, Request request, Query query, Outcome outcome) {
    if (outcome.nameError) {
      InetAddress client = request.client() == null ? null : request.client().getAddress();
      if (config.fallthrough().covers(query.qname)) {
        if (query.explaining) {
          noteMiss(chain, query, client, null);
        }
        return chain.proceed(request);
      }
      // CoreDNS: before the first sync a miss is SERVFAIL, so that no resolver caches a denial.
      int rcode = synced.getAsBoolean() ? Rcode.NXDOMAIN : Rcode.SERVFAIL;
      Message response = negative(request, query, rcode);
      if (query.explaining) {
        noteMiss(chain, query, client, response);
      }
      return Responses.completed(response);
    }
    if (outcome.answer.isEmpty()) {
      Message response = negative(request, query, Rcode.NOERROR);
      if (query.explaining) {
        noteAnswer(chain, query, response);
      }
      return Responses.completed(response);
    }
    Message response = Responses.answer(request);
    for (Record record : outcome.answer) {
      response.addRecord(record, Section.ANSWER);
    }
    for (Record record : outcome.extra) {
      response.addRecord(record, Section.ADDITIONAL);
    }
    if (query.explaining) {
      noteAnswer(chain, query, response);
    }
    return Responses.completed(response);
  }

  private void noteAnswer(Chain chain, Query query, Message response) {
    String state = explainer.sourceState();
    if (state != null) {
      chain.note(state);
    }
    chain.note(explainer.explain(query.labels, query.matched, query.qtype, response));
  }

  /**
   * The notes of a name that does not exist.
   *
   * @param response the negative answer, or {@code null} when the name is passed on (fallthrough)
   */
  private void noteMiss(Chain chain, Query query, InetAddress client, Message response) {
    String state = explainer.sourceState();
    if (state != null) {
      chain.note(state);
    }
    String description = explainer.describe(query.labels, query.matched, query.qtype);
    chain.note(description + (response == null ? ": not found here" : AnswerExplainer.result(response)));
    String expansion = searchPaths.explain(query.matched, query.labels, client);
    if (expansion != null) {
      chain.note(expansion);
    }
    if (response == null) {
      chain.note("fallthrough: passed on");
    }
  }

  private Message negative(Request request, Query query, int rcode) {
    Message response = Responses.error(request, rcode);
    response.getHeader().setFlag(Flags.AA);
    response.addRecord(soa(query.zone), Section.AUTHORITY);
    return response;
  }

  // ---- per type ----

  /** Services as CoreDNS's {@code Services} gives them to A, AAAA, SRV and CNAME. */
  private RecordFinder.Found services(Query query) {
    if (isDefaultNameServer(query)) {
      List<RecordFinder.Entry> entries = new ArrayList<>();
      for (RecordFinder.Entry entry : finder.nameServers(query.zone)) {
        boolean v4 = RecordFinder.isV4(entry.address());
        if ((query.qtype == Type.A && v4) || (query.qtype == Type.AAAA && !v4)) {
          entries.add(entry);
        }
      }
      return new RecordFinder.Found(entries, false);
    }
    return finder.records(query.labels, query.zone);
  }

  private static boolean isDefaultNameServer(Query query) {
    return query.labels.length == 2 && query.labels[0].equals("ns") && query.labels[1].equals("dns");
  }

  private CompletionStage<Outcome> addresses(Query query, int depth) {
    RecordFinder.Found found = services(query);
    if (found.nameError()) {
      return CompletableFuture.completedFuture(Outcome.NAME_ERROR);
    }
    List<RecordFinder.Entry> entries = found.entries();
    List<Record> records = new ArrayList<>(entries.size());
    // Duplicates (one address behind several ports) are dropped, as CoreDNS does.
    Set<InetAddress> seen = entries.size() > 1 ? new HashSet<>() : null;
    for (RecordFinder.Entry entry : entries) {
      if (entry.cname() != null) {
        return externalName(query, entry.cname(), records, depth);
      }
      boolean v4 = RecordFinder.isV4(entry.address());
      if (v4 == (query.qtype == Type.A) && (seen == null || seen.add(entry.address()))) {
        records.add(address(query.qname, entry.address()));
      }
    }
    return CompletableFuture.completedFuture(Outcome.of(records));
  }

  /**
   * CoreDNS's CNAME handling in {@code plugin.A}: the CNAME, followed by the target's addresses,
   * resolved in memory when the target is in the zone and through the server otherwise.
   */
  private CompletionStage<Outcome> externalName(
      Query query, String target, List<Record> before, int depth) {
    Name targetName = Name.fromConstantString(target);
    if (targetName.equals(query.qname) || depth >= MAX_CNAME_CHAIN) {
      return CompletableFuture.completedFuture(Outcome.of(before));
    }
    CNAMERecord cname = new CNAMERecord(query.qname, DClass.IN, config.ttl(), targetName);
    Name matched = Names.longestMatch(targetName, config.zones());
    if (matched != null && targetName.subdomain(query.zone)) {
      Query next =
          new Query(
              targetName, labelsLeftOf(targetName, matched), query.zone, matched, query.qtype, query.explaining);
      return addresses(next, depth + 1)
          .thenApply(
              outcome -> {
                if (outcome.nameError || outcome.answer.isEmpty()) {
                  return Outcome.of(before);
                }
                List<Record> records = new ArrayList<>(before);
                records.add(cname);
                records.addAll(outcome.answer);
                return Outcome.of(records);
              });
    }
    if (query.explaining) {
      // Resolving through the server would be a real query: cached, counted, logged.
      List<Record> records = new ArrayList<>(before);
      records.add(cname);
      return CompletableFuture.completedFuture(Outcome.of(records));
    }
    Message lookup = Message.newQuery(Record.newRecord(targetName, query.qtype, DClass.IN));
    lookup.getHeader().setFlag(Flags.RD);
    return resolver
        .resolve(lookup)
        .handle(
            (response, failure) -> {
              if (failure != null || response == null) {
                return Outcome.of(before);
              }
              List<Record> records = new ArrayList<>(before);
              records.add(cname);
              records.addAll(response.getSection(Section.ANSWER));
              return Outcome.of(records);
            });
  }

  private Outcome srv(Query query) {
    RecordFinder.Found found = services(query);
    if (found.nameError()) {
      return Outcome.NAME_ERROR;
    }
    List<RecordFinder.Entry> entries = new ArrayList<>();
    for (RecordFinder.Entry entry : found.entries()) {
      // CoreDNS does not answer SRV for ExternalName Services.
      if (entry.cname() == null) {
        entries.add(entry);
      }
    }
    if (entries.isEmpty()) {
      return Outcome.NODATA;
    }
    // CoreDNS: each entry weighs 100, the weight is 100 * 100 / total, rounded down, at least 1,
    // counted before duplicate records are merged.
    int weight = Math.max(1, (int) Math.floor(100.0 / entries.size()));
    List<Record> answer = new ArrayList<>();
    List<Record> extra = new ArrayList<>();
    Set<String> seenSrv = new HashSet<>();
    Set<String> seenAddress = new HashSet<>();
    for (RecordFinder.Entry entry : entries) {
      if (entry.port() == ServicePort.NONE) {
        continue;
      }
      String targetKey = entry.target().labels();
      Name target = null;
      if (seenSrv.add(targetKey + " " + entry.port())) {
        target = entry.target().name();
        answer.add(new SRVRecord(query.qname, DClass.IN, config.ttl(), 0, weight, entry.port(), target));
      }
      if (seenAddress.add(targetKey + " " + entry.address().getHostAddress())) {
        extra.add(address(target != null ? target : entry.target().name(), entry.address()));
      }
    }
    return new Outcome(answer, extra, false);
  }

  private Outcome txt(Query query) {
    if (query.labels.length == 1 && query.labels[0].equals("dns-version")) {
      return Outcome.of(List.of(new TXTRecord(query.qname, DClass.IN, SCHEMA_TTL, SCHEMA_VERSION)));
    }
    // CoreDNS: NODATA when the name has records of another type, else NXDOMAIN.
    RecordFinder.Found found = finder.records(query.labels, query.zone);
    return found.entries().isEmpty() ? Outcome.NAME_ERROR : Outcome.NODATA;
  }

  private Outcome cname(Query query) {
    RecordFinder.Found found = services(query);
    if (found.nameError()) {
      return Outcome.NAME_ERROR;
    }
    if (!found.entries().isEmpty() && found.entries().get(0).cname() != null) {
      Name target = Name.fromConstantString(found.entries().get(0).cname());
      return Outcome.of(List.of(new CNAMERecord(query.qname, DClass.IN, config.ttl(), target)));
    }
    return Outcome.NODATA;
  }

  private Outcome ptr(Query query) {
    InetAddress ip = RecordFinder.addressOfReverse(query.qname);
    if (ip == null) {
      RecordFinder.Found found = finder.records(query.labels, query.zone);
      return found.nameError() ? Outcome.NAME_ERROR : Outcome.NODATA;
    }
    List<Name> names = finder.reverse(ip);
    if (names.isEmpty()) {
      return Outcome.NAME_ERROR;
    }
    List<Record> answer = new ArrayList<>(names.size());
    for (Name name : names) {
      answer.add(new PTRRecord(query.qname, DClass.IN, config.ttl(), name));
    }
    return Outcome.of(answer);
  }

  private Outcome ns(Query query) {
    List<Record> answer = new ArrayList<>();
    List<Record> extra = new ArrayList<>();
    Set<Name> seen = new HashSet<>();
    for (RecordFinder.Entry entry : finder.nameServers(query.zone)) {
      Name target = entry.target().name();
      extra.add(address(target, entry.address()));
      if (seen.add(target)) {
        answer.add(new NSRecord(query.qname, DClass.IN, config.ttl(), target));
      }
    }
    return new Outcome(answer, extra, false);
  }

  /** Other types: NODATA when an A lookup of the name finds it, else NXDOMAIN (CoreDNS's fake A). */
  private Outcome existence(Query query) {
    if (isDefaultNameServer(query)) {
      return Outcome.NODATA;
    }
    return finder.records(query.labels, query.zone).nameError() ? Outcome.NAME_ERROR : Outcome.NODATA;
  }

  // ---- records ----

  private Record address(Name owner, InetAddress address) {
    return RecordFinder.isV4(address)
        ? new ARecord(owner, DClass.IN, config.ttl(), address)
        : new AAAARecord(owner, DClass.IN, config.ttl(), address);
  }

  /**
   * The zone's SOA as CoreDNS builds it: {@code ns.dns.ZONE. hostmaster.ZONE.}, serial the time of
   * the last change, refresh 7200, retry 1800, expire 86400, minimum the TTL; its own TTL is the
   * TTL capped at 300.
   */
  private SOARecord soa(Name zone) {
    return soa(config, index, zone);
  }

  /** The SOA of {@code zone} (as the client wrote it) from {@code index}; shared with zone transfers. */
  static SOARecord soa(KubernetesConfig config, ClusterIndex index, Name zone) {
    // CoreDNS: a multicluster zone's serial is the time of its own last change.
    long modified =
        config.multicluster(zone) ? index.multiCluster().modifiedEpochSecond() : index.modifiedEpochSecond();
    long serial = modified & 0xFFFFFFFFL;
    return new SOARecord(
        zone,
        DClass.IN,
        Math.min(config.ttl(), 300),
        RecordFinder.prefixed("ns", RecordFinder.prefixed("dns", zone)),
        RecordFinder.prefixed("hostmaster", zone),
        serial,
        7200,
        1800,
        86400,
        config.ttl());
  }

  /** The labels of {@code name} left of {@code zone}, lower case, leftmost first. */
  static String[] labelsLeftOf(Name name, Name zone) {
    int count = name.labels() - zone.labels();
    String[] labels = new String[count];
    for (int i = 0; i < count; i++) {
      labels[i] = name.getLabelString(i).toLowerCase(Locale.ROOT);
    }
    return labels;
  }
}
