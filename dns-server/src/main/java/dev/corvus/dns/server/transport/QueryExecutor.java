package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.ResponseSigner;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Metrics;
import dev.corvus.dns.server.routing.Pipeline;
import dev.corvus.dns.server.routing.ServerQueryContext;
import dev.corvus.dns.server.routing.ServerRoute;
import dev.corvus.dns.server.routing.ZoneRouter;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns a query's bytes into response bytes: parse, route by zone, run the block's chain,
 * finish the response (ID, OPT record, truncation) and encode it. Transport independent; the
 * listeners hand it bytes and send what it returns.
 */
public final class QueryExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(QueryExecutor.class);

  /** The EDNS0 payload size Corvus advertises (the DNS flag day 2020 value). */
  static final int ADVERTISED_PAYLOAD = 1232;
  private static final int HEADER_LENGTH = 12;
  private static final int MAX_TCP_MESSAGE = 65535;
  /** An OPT record without options: root name, type, class, TTL and an empty RDATA length. */
  private static final int OPT_LENGTH = 11;
  /** The local address of a query whose listener does not tell it: the wildcard, port 0. */
  private static final InetSocketAddress UNKNOWN_LOCAL = new InetSocketAddress(0);

  /** Tracks queries in flight on a configuration, so that it is stopped only once they finish. */
  public interface InFlight {
    /** A query entered the configuration. */
    void enter();

    /** A query left it. */
    void leave();
  }

  private final Counter.Child malformedUdp;
  private final Counter.Child malformedTcp;
  private final Counter.Child dropped;
  private final Counter.Child shed;
  private final Counter.Child timedOut;
  private final Limits limits;
  private final Timer timer;
  private final Metrics metrics;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * How much work the executor accepts.
   *
   * @param maxInFlight queries waiting for an asynchronous answer at most; a query whose chain
   *     does not answer at once beyond that is shed (UDP: dropped, TCP: REFUSED) and not held
   * @param queryDeadline a chain that has not answered by then is answered SERVFAIL and forgotten
   */
  public record Limits(int maxInFlight, Duration queryDeadline) {

    /**
     * Limits derived from the heap: the in-flight bound is the heap divided by 32 KiB, between 256
     * and 100,000; a 64 MiB heap takes 2,048. A query waiting on an upstream holds a few kilobytes
     * itself (request, response, futures, timers); the margin is for what a flood allocates
     * around it. Measured with bench/overload.sh: at 16 KiB a flood kept a 64 MiB heap in back-to-back
     * collections.
     */
    public static Limits forHeap(long maxHeapBytes, Duration queryDeadline) {
      long bound = Math.max(256, Math.min(100_000, maxHeapBytes / (32 * 1024)));
      return new Limits((int) bound, queryDeadline);
    }
  }

  /**
   * @param metrics where to count malformed, dropped, shed and timed-out queries
   * @param limits the in-flight bound and the query deadline
   * @param timer schedules the deadlines
   */
  public QueryExecutor(Metrics metrics, Limits limits, Timer timer) {
    Counter malformed = metrics.counter("corvus_dns_malformed_requests_total",
        "Queries that could not be parsed (answered FORMERR when a header was readable).", "proto");
    this.malformedUdp = malformed.labels("udp");
    this.malformedTcp = malformed.labels("tcp");
    Counter droppedCounter = metrics.counter("corvus_dns_dropped_requests_total",
        "Queries dropped or refused without running the chain.", "reason");
    this.dropped = droppedCounter.labels("unanswerable");
    this.shed = droppedCounter.labels("overload");
    this.timedOut = metrics.counter("corvus_dns_deadline_exceeded_total",
        "Queries answered SERVFAIL because the chain did not answer before the deadline.").labels();
    this.limits = limits;
    this.timer = timer;
    this.metrics = metrics;
    metrics.gaugeFunction("corvus_dns_inflight_requests", "Queries waiting for an asynchronous answer.",
        List.of(), () -> List.of(new Metrics.Sample(List.of(), inFlight.get())));
  }

  /** The registry the executor counts in; listener plugins count there too. */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * Handles one query.
   *
   * @param wire the query as received, from its position to its limit; read only during this
   *     call, so the caller may reuse its memory once it returns; its position is moved
   * @param client the client's address
   * @param transport how it arrived
   * @param loop the I/O loop the query arrived on; the response is finished there
   * @param routes the listener's current routes and in-flight tracker
   * @param sink where the response goes
   */
  public void execute(ByteBuffer wire, InetSocketAddress client, Transport transport, IoLoop loop,
      Supplier<RouteTable> routes, ResponseSink sink) {
    execute(wire, client, UNKNOWN_LOCAL, transport, loop, routes, sink);
  }

  /**
   * Handles one query that arrived on {@code local}, the server's address as
   * {@link Request#localAddress()} reports it; otherwise as
   * {@link #execute(ByteBuffer, InetSocketAddress, Transport, IoLoop, Supplier, ResponseSink)}.
   */
  public void execute(ByteBuffer wire, InetSocketAddress client, InetSocketAddress local, Transport transport,
      IoLoop loop, Supplier<RouteTable> routes, ResponseSink sink) {
    long start = System.nanoTime();
    Message query;
    int position = wire.position();
    int parsedEnd;
    try {
      // Parsed where it lies: no copy of the datagram or frame (nor of the buffer's view of it,
      // which the caller lets this call move).
      query = new Message(wire);
      parsedEnd = wire.position();
    } catch (IOException | RuntimeException e) {
      wire.position(position);
      (transport.isDatagram() ? malformedUdp : malformedTcp).inc();
      if (wire.remaining() >= HEADER_LENGTH && (wire.get(wire.position() + 2) & 0x80) == 0) {
        sink.respond(formErr(wire));
      } else {
        dropped.inc();
        sink.drop();
      }
      return;
    }
    if (query.getHeader().getFlag(Flags.QR)) {
      dropped.inc();
      sink.drop();
      return;
    }
    // dnsjava keeps what it could read of a query with TC set, so the header may count a
    // question the message does not hold.
    if (query.getHeader().getCount(Section.QUESTION) != 1 || query.getQuestion() == null) {
      (transport.isDatagram() ? malformedUdp : malformedTcp).inc();
      sink.respond(encode(bare(query, Rcode.FORMERR), query, transport));
      return;
    }
    // NOTIFY (RFC 1996) goes to the chain: a secondary zone learns of a new serial that way.
    int opcode = query.getHeader().getOpcode();
    if (opcode != Opcode.QUERY && opcode != Opcode.NOTIFY) {
      sink.respond(encode(bare(query, Rcode.NOTIMP), query, transport));
      return;
    }
    OPTRecord opt = query.getOPT();
    if (opt != null && opt.getVersion() > 0) {
      // RFC 6891 §6.1.3: unsupported EDNS version
      Message badVersion = bare(query, Rcode.NOERROR);
      sink.respond(encodeWithOpt(badVersion, query, transport, Rcode.BADVERS));
      return;
    }
    RouteTable table = routes.get();
    ServerRoute route = table.router().route(query.getQuestion().getName());
    if (route == null) {
      sink.respond(encode(bare(query, Rcode.REFUSED), query, transport));
      return;
    }
    // At the bound, handlers that would start I/O give up at once (QueryContext#overloaded);
    // answers from memory still flow. Read here and counted only once the chain returned a
    // pending answer (so answers from memory never touch the shared counter): loops running at
    // the same moment can each start one upstream exchange past the bound; the count then sheds
    // that query (its client gets no answer from it), but the exchange was sent.
    boolean overloaded = inFlight.get() >= limits.maxInFlight();
    byte[] received = null;
    if (query.getTSIG() != null) {
      // RFC 8945 §4.3: the MAC covers the bytes as received; only these queries keep a copy
      // (parsing moved the buffer's position past them)
      received = new byte[wire.limit() - position];
      wire.get(position, received);
    }
    ServerQueryContext context = new ServerQueryContext(start, false, overloaded, loop);
    context.signedQueryWire(received);
    Request request = Request.of(query, client, local, transport, route.zone(), route.serverLabel(), context);
    // Blocks with a view: the first (in Corefile order) whose view admits the query serves it,
    // each candidate with a fresh context so that one block's metadata never reaches another.
    while (route.view() != null && !route.view().admits(request)) {
      route = table.router().next(route, query.getQuestion().getName());
      if (route == null) {
        sink.respond(encode(bare(query, Rcode.REFUSED), query, transport));
        return;
      }
      context = new ServerQueryContext(start, false, overloaded, loop);
      context.signedQueryWire(received);
      request = Request.of(query, client, local, transport, route.zone(), route.serverLabel(), context);
    }
    ServerRoute served = route;
    Request chosen = request;
    ServerQueryContext chosenContext = context;
    table.inFlight().enter();
    CompletionStage<Message> result;
    // A handler relaying the query as it came (forward) may copy its bytes while the chain runs
    // here; the caller reuses the buffer once this returns.
    chosenContext.receivedQuery(query, wire, position, parsedEnd);
    try {
      result = served.pipeline().run(chosen);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    } finally {
      chosenContext.forgetReceivedQuery();
    }
    CompletableFuture<Message> answer = result.toCompletableFuture();
    if (answer.isDone()) {
      finish(chosen, chosenContext, served.pipeline(), answer, sink, table);
      return;
    }
    // An answer still to come: bound how many wait and for how long. Answers from memory never
    // wait, so a flood of queries for a slow upstream cannot starve them.
    if (inFlight.incrementAndGet() > limits.maxInFlight()) {
      inFlight.decrementAndGet();
      table.inFlight().leave();
      shed(query, transport, sink);
      return;
    }
    Pending pending = new Pending(chosen, chosenContext, served.pipeline(), sink, table, loop);
    Timeout deadline = timer.newTimeout(pending, limits.queryDeadline().toMillis(), TimeUnit.MILLISECONDS);
    pending.deadline = deadline;
    answer.whenComplete(pending);
  }

  /**
   * A query whose chain answers later: whichever comes first, the chain's answer or the deadline,
   * finishes it (once) on the query's loop. One object plays every part (the answer's callback,
   * the timer's task, the loop's task) so that a waiting query costs one allocation here.
   */
  private final class Pending implements BiConsumer<Message, Throwable>, TimerTask, Runnable {
    private final Request request;
    private final ServerQueryContext context;
    private final Pipeline pipeline;
    private final ResponseSink sink;
    private final RouteTable table;
    private final IoLoop loop;
    private static final AtomicIntegerFieldUpdater<Pending> SETTLED =
        AtomicIntegerFieldUpdater.newUpdater(Pending.class, "settled");
    /** 1 once the answer or the deadline came: the other is then ignored. */
    private volatile int settled;
    /** Set before the answer's callback is registered; the timer's own firing passes its timeout. */
    Timeout deadline;
    private Message response;
    private Throwable failure;

    Pending(Request request, ServerQueryContext context, Pipeline pipeline, ResponseSink sink, RouteTable table,
        IoLoop loop) {
      this.request = request;
      this.context = context;
      this.pipeline = pipeline;
      this.sink = sink;
      this.table = table;
      this.loop = loop;
    }

    /** The chain answered (or failed). */
    @Override
    public void accept(Message answered, Throwable failed) {
      settle(answered, failed, deadline);
    }

    /** The deadline passed first. */
    @Override
    public void run(Timeout timeout) {
      settle(null, new DeadlineExceeded(limits.queryDeadline()), timeout);
    }

    private void settle(Message answered, Throwable failed, Timeout timeout) {
      if (!SETTLED.compareAndSet(this, 0, 1)) {
        return;
      }
      response = answered;
      failure = failed;
      if (failed instanceof DeadlineExceeded) {
        timedOut.inc();
      }
      timeout.cancel();
      inFlight.decrementAndGet();
      // Listeners and observers run on the query's loop, whichever thread completed the chain
      // (an upstream's loop, the deadline timer).
      if (loop.inLoop()) {
        run();
      } else {
        loop.execute(this);
      }
    }

    @Override
    public void run() {
      try {
        respond(request, context, pipeline, failure == null ? response : null, failure, sink);
      } finally {
        table.inFlight().leave();
      }
    }
  }

  /** The chain did not answer in time; the client gets SERVFAIL. */
  private static final class DeadlineExceeded extends DnsException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(Duration deadline) {
      super(Rcode.SERVFAIL, "no answer within " + deadline.toMillis() + " ms");
    }
  }

  private void finish(Request request, ServerQueryContext context, Pipeline pipeline,
      CompletableFuture<Message> answer, ResponseSink sink, RouteTable table) {
    try {
      Message response = answer.getNow(null);
      respond(request, context, pipeline, response, null, sink);
    } catch (CompletionException | CancellationException e) {
      respond(request, context, pipeline, null, e, sink);
    } finally {
      table.inFlight().leave();
    }
  }

  private void respond(Request request, ServerQueryContext context, Pipeline pipeline, Message response,
      Throwable failure, ResponseSink sink) {
    Message query = request.message();
    if (failure != null) {
      Throwable cause = Pipeline.cause(failure);
      if (cause instanceof DnsException dns && dns.isDrop()) {
        if (dns.isShed()) {
          shed(query, request.transport(), sink);
        } else {
          dropped.inc();
          sink.drop();
        }
        context.fireWritten(null, 0);
        return;
      }
      int rcode = cause instanceof DnsException dns ? dns.rcode() : Rcode.SERVFAIL;
      if (!(cause instanceof DnsException)) {
        LOG.debug("query {} failed", request, cause);
      }
      response = Responses.error(request, rcode);
    }
    ResponseSigner signer = context.signer();
    int payload = request.udpPayloadSize() - (signer == null ? 0 : signer.maxOverhead());
    byte[] wire;
    try {
      byte[] offered = failure == null ? context.wireFormOf(response) : null;
      wire = offered == null ? null
          : encodePreEncoded(response, offered, query, request.transport(), payload);
      if (wire == null) {
        wire = encode(response, query, request.transport(), payload);
      }
      if (signer != null) {
        wire = signer.sign(wire);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot encode the response to {}: {}", request, e.toString());
      wire = encode(Responses.error(request, Rcode.SERVFAIL), query, request.transport(), request.udpPayloadSize());
    }
    Iterator<Message> rest = failure == null ? context.continuation() : null;
    boolean continues = rest != null && !request.transport().isDatagram();
    if (continues && sink instanceof StreamSink stream) {
      stream.continues();
    }
    sink.respond(wire);
    context.fireWritten(response, wire.length);
    pipeline.observe(request, response);
    if (continues) {
      writeRest(request, rest, signer, sink);
    }
  }

  /**
   * Sends the messages that follow a response (a zone transfer), one per task of the query's loop
   * so that other connections are served in between.
   */
  private void writeRest(Request request, Iterator<Message> rest, ResponseSigner signer, ResponseSink sink) {
    byte[] wire;
    try {
      if (!rest.hasNext()) {
        finished(sink);
        return;
      }
      wire = encode(rest.next(), request.message(), request.transport(), MAX_TCP_MESSAGE);
      if (signer != null) {
        wire = signer.sign(wire);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot send the rest of the response to {}: {}", request, e.toString());
      finished(sink);
      return;
    }
    sink.respond(wire);
    request.context().loop().execute(() -> writeRest(request, rest, signer, sink));
  }

  private static void finished(ResponseSink sink) {
    if (sink instanceof StreamSink stream) {
      stream.finished();
    }
  }

  /** Counts a query given up under overload; a TCP client, which waits for an answer, gets REFUSED. */
  private void shed(Message query, Transport transport, ResponseSink sink) {
    shed.inc();
    if (transport.isDatagram()) {
      sink.drop();
    } else {
      sink.respond(encode(bare(query, Rcode.REFUSED), query, transport));
    }
  }

  private static Message bare(Message query, int rcode) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.getHeader().setRcode(rcode);
    if (query.getQuestion() != null && query.getHeader().getCount(Section.QUESTION) == 1) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return response;
  }

  private static byte[] encode(Message response, Message query, Transport transport) {
    OPTRecord opt = query.getOPT();
    int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
    return encode(response, query, transport, limit);
  }

  private static byte[] encodeWithOpt(Message response, Message query, Transport transport, int extendedRcode) {
    response.addRecord(new OPTRecord(ADVERTISED_PAYLOAD, extendedRcode >>> 4, 0, 0), Section.ADDITIONAL);
    response.getHeader().setRcode(extendedRcode & 0xf);
    return response.toWire(transport.isDatagram() ? 512 : MAX_TCP_MESSAGE);
  }

  /**
   * Encodes {@code response} for the client: the query's ID, QR set, an OPT record mirroring the
   * client's EDNS0 (RFC 6891) and, over UDP, truncated to whole RRsets with TC set when it does not
   * fit the client's payload size.
   */
  static byte[] encode(Message response, Message query, Transport transport, int udpPayloadSize) {
    response.getHeader().setID(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    OPTRecord responseOpt = response.getOPT();
    OPTRecord queryOpt = query.getOPT();
    if (responseOpt != null) {
      response.removeRecord(responseOpt, Section.ADDITIONAL);
    }
    if (queryOpt != null) {
      int extendedRcode = responseOpt == null ? 0 : responseOpt.getExtendedRcode();
      int flags = queryOpt.getFlags() & org.xbill.DNS.ExtendedFlags.DO;
      response.addRecord(new OPTRecord(ADVERTISED_PAYLOAD, extendedRcode, 0, flags,
          responseOpt == null ? java.util.List.of() : responseOpt.getOptions()), Section.ADDITIONAL);
    }
    int limit = transport.isDatagram() ? udpPayloadSize : MAX_TCP_MESSAGE;
    return ResponseEncoder.encode(response, limit);
  }

  /**
   * The wire form a handler offered for its response as {@link #encode} would produce it: the
   * query's ID patched in and an OPT record appended when the query has one; {@code null} when the
   * response carries an OPT record of its own (extended rcode or options to mirror), lacks QR, or
   * does not fit whole, so that {@link #encode} handles it (and truncates).
   *
   * @param encoded the offered wire form of {@code response}, which must be unchanged since
   */
  static byte[] encodePreEncoded(Message response, byte[] encoded, Message query, Transport transport,
      int udpPayloadSize) {
    if (response.getOPT() != null || !response.getHeader().getFlag(Flags.QR)) {
      return null;
    }
    response.getHeader().setID(query.getHeader().getID());
    OPTRecord queryOpt = query.getOPT();
    int length = encoded.length + (queryOpt == null ? 0 : OPT_LENGTH);
    int limit = transport.isDatagram() ? udpPayloadSize : MAX_TCP_MESSAGE;
    int additional = ((encoded[10] & 0xff) << 8) | (encoded[11] & 0xff);
    if (length > limit || (queryOpt != null && additional == 0xffff)) {
      return null;
    }
    byte[] wire = Arrays.copyOf(encoded, length);
    int id = query.getHeader().getID();
    wire[0] = (byte) (id >>> 8);
    wire[1] = (byte) id;
    if (queryOpt != null) {
      int flags = queryOpt.getFlags() & org.xbill.DNS.ExtendedFlags.DO;
      OPTRecord opt = new OPTRecord(ADVERTISED_PAYLOAD, 0, 0, flags);
      // root owner, TYPE=OPT, CLASS=payload size, TTL=extended rcode 0, version 0, flags; no RDATA
      int at = encoded.length;
      wire[at + 1] = (byte) (Type.OPT >>> 8);
      wire[at + 2] = (byte) Type.OPT;
      wire[at + 3] = (byte) (ADVERTISED_PAYLOAD >>> 8);
      wire[at + 4] = (byte) ADVERTISED_PAYLOAD;
      wire[at + 7] = (byte) (flags >>> 8);
      wire[at + 8] = (byte) flags;
      additional++;
      wire[10] = (byte) (additional >>> 8);
      wire[11] = (byte) additional;
      // Listeners see the response as sent.
      response.addRecord(opt, Section.ADDITIONAL);
    }
    return wire;
  }

  /** A FORMERR answer built from the raw header of a query that does not parse. */
  private static byte[] formErr(ByteBuffer wire) {
    return headerOnly(wire, Rcode.FORMERR);
  }

  private static byte[] headerOnly(ByteBuffer wire, int rcode) {
    int start = wire.position();
    byte[] answer = new byte[HEADER_LENGTH];
    answer[0] = wire.get(start);
    answer[1] = wire.get(start + 1);
    // QR=1, keep opcode and RD from the query
    answer[2] = (byte) (0x80 | (wire.get(start + 2) & 0x79));
    answer[3] = (byte) rcode;
    return answer;
  }
}
