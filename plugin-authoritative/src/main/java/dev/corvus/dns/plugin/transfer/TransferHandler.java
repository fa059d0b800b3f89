package dev.corvus.dns.plugin.transfer;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.capability.ZoneSource;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers AXFR and IXFR over TCP from the zone sources of the server block (RFC 5936): the SOA,
 * every record, the SOA again, in as many messages as needed. IXFR is answered with the SOA alone
 * when the client has the current serial, else with the whole zone (RFC 1995 §4: a server without
 * a journal may answer with a full transfer), as CoreDNS does.
 */
final class TransferHandler implements Handler {

  private static final Logger log = LoggerFactory.getLogger(TransferHandler.class);

  /** CoreDNS flushes a message before its records pass 63,000 bytes, well inside 65,535. */
  static final int MESSAGE_BUDGET = 63_000;

  private final TransferConfig config;
  private final Supplier<List<ZoneSource>> sources;

  TransferHandler(TransferConfig config, Supplier<List<ZoneSource>> sources) {
    this.config = config;
    this.sources = sources;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    int qtype = request.qtype();
    if (qtype != Type.AXFR && qtype != Type.IXFR) {
      return chain.proceed(request);
    }
    if (request.transport().isDatagram()) {
      // RFC 5936 §4.2: no AXFR over UDP; CoreDNS refuses IXFR over UDP as well
      return Responses.completedError(request, Rcode.REFUSED);
    }
    if (Names.longestMatch(request.qname(), config.zones()) == null) {
      return chain.proceed(request);
    }
    if (!config.allows(request.client().getAddress())) {
      chain.note("client " + request.client().getAddress().getHostAddress() + " is not among the 'to' addresses");
      return Responses.completedError(request, Rcode.REFUSED);
    }
    long clientSerial = -1;
    if (qtype == Type.IXFR) {
      List<Record> authority = request.message().getSection(Section.AUTHORITY);
      if (authority.size() != 1 || !(authority.get(0) instanceof SOARecord soa)) {
        return Responses.completedError(request, Rcode.SERVFAIL);
      }
      clientSerial = soa.getSerial();
    }
    Name zone = request.qname().canonicalize();
    long serial = clientSerial;
    return find(sources.get(), 0, zone).thenCompose(records -> {
      if (records.isEmpty()) {
        return chain.hasNext() ? chain.proceed(request) : Responses.completedError(request, Rcode.SERVFAIL);
      }
      return Responses.completed(transfer(chain, request, zone, records.get(), serial));
    });
  }

  /** The snapshot of {@code zone} of the first source from {@code from} on that has one. */
  private static CompletionStage<Optional<List<Record>>> find(List<ZoneSource> sources, int from, Name zone) {
    if (from == sources.size()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return sources.get(from).snapshot(zone)
        .thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found) : find(sources, from + 1, zone));
  }

  private static Message transfer(Chain chain, Request request, Name zone, List<Record> records, long clientSerial) {
    SOARecord soa = (SOARecord) records.get(0);
    if (clientSerial == soa.getSerial()) {
      chain.note("IXFR: the client has the current serial " + soa.getSerial());
      log.info("transfer: outgoing noop, incremental transfer for up to date zone {} to {} for {} SOA serial",
          zone, request.client().getAddress().getHostAddress(), soa.getSerial());
      return message(request, List.of(soa));
    }
    chain.note("transfer of " + (records.size() + 1) + " records, serial " + soa.getSerial());
    MessageSplitter messages = new MessageSplitter(request, records);
    Message first = messages.next();
    if (messages.hasNext() && !chain.explaining()) {
      request.context().continueWith(messages);
    }
    log.info("transfer: outgoing transfer of {} records of zone {} to {} for {} SOA serial", records.size() + 1,
        zone, request.client().getAddress().getHostAddress(), soa.getSerial());
    return first;
  }

  private static Message message(Request request, List<Record> records) {
    Message response = Responses.reply(request);
    response.getHeader().setFlag(Flags.AA);
    for (Record r : records) {
      response.addRecord(r, Section.ANSWER);
    }
    return response;
  }

  /** The zone's records and the closing SOA, cut into messages as they are asked for. */
  static final class MessageSplitter implements Iterator<Message> {
    private final Request request;
    private final List<Record> records;
    private int next;

    MessageSplitter(Request request, List<Record> records) {
      this.request = request;
      this.records = records;
    }

    @Override
    public boolean hasNext() {
      return next <= records.size();
    }

    @Override
    public Message next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Message response = Responses.reply(request);
      response.getHeader().setFlag(Flags.AA);
      int size = 0;
      while (next <= records.size()) {
        // the closing SOA is the first record again (RFC 5936 §2.2)
        Record r = records.get(next == records.size() ? 0 : next);
        int length = r.getName().length() + 10 + r.rdataToWireCanonical().length;
        if (size > 0 && size + length > MESSAGE_BUDGET) {
          break;
        }
        response.addRecord(r, Section.ANSWER);
        size += length;
        next++;
      }
      return response;
    }
  }
}
