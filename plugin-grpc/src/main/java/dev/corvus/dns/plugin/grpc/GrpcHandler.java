package dev.corvus.dns.plugin.grpc;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.grpc.pb.DnsService;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * The {@code grpc} handler, as CoreDNS's: a name in FROM, and FROM itself or not under an {@code
 * except} name, is sent to the upstreams in the policy's order, each asked until one answers
 * within the query's 5 s; an upstream's error (unreachable, a gRPC error status, a reply that is
 * no DNS message) moves to the next. {@code NOT_FOUND} from an upstream means NXDOMAIN. A reply to
 * another question becomes FORMERR. With {@code fallthrough}, NXDOMAIN and the failure of every
 * upstream pass the query on; otherwise the failure is SERVFAIL.
 *
 * <p>Nothing blocks: each call is asynchronous, and its callback, on the gRPC client's event loop,
 * hands the outcome to the I/O loop the query arrived on, where the next upstream is asked or the
 * query completed.
 */
final class GrpcHandler implements Handler {

  private final GrpcConfig config;
  private final GrpcMetrics metrics;
  private final Ticker ticker;
  private final AtomicInteger robin = new AtomicInteger();
  private volatile List<Upstream> upstreams;

  GrpcHandler(GrpcConfig config, GrpcMetrics metrics, Ticker ticker) {
    this.config = config;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  void started(List<Upstream> upstreams) {
    this.upstreams = upstreams;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    if (!matches(request.qname())) {
      if (chain.explaining()) {
        chain.note(request.qname().subdomain(config.from()) ? "under an except name: passed on"
            : "not in " + config.from() + ": passed on");
      }
      return chain.proceed(request);
    }
    List<Upstream> current = upstreams;
    if (current == null) {
      return CompletableFuture.failedFuture(new DnsException(Rcode.SERVFAIL, "grpc: not started"));
    }
    if (!chain.explaining() && request.context().overloaded()) {
      return CompletableFuture.failedFuture(DnsException.shed("grpc: server at its in-flight bound"));
    }
    byte[] wire = request.message().toWire();
    if (wire.length > DnsService.MAX_DNS_MESSAGE_BYTES) {
      return CompletableFuture.failedFuture(
          new DnsException(Rcode.SERVFAIL, "grpc: a query of " + wire.length + " bytes exceeds 65535"));
    }
    Exchange exchange = new Exchange(chain, request, wire, config.policy().order(current, robin),
        ticker.read() + GrpcConfig.QUERY_TIMEOUT.toNanos());
    exchange.askNext();
    return exchange.result.thenCompose(answer -> answer != null ? CompletableFuture.completedFuture(answer)
        : chain.proceed(request));
  }

  /** Whether the name is forwarded: inside FROM, and FROM itself or not under an except name. */
  boolean matches(Name qname) {
    if (!qname.subdomain(config.from())) {
      return false;
    }
    if (qname.equals(config.from())) {
      return true;
    }
    for (Name ignored : config.except()) {
      if (qname.subdomain(ignored)) {
        return false;
      }
    }
    return true;
  }

  /** One query's walk through the upstreams; its state is touched on the query's loop only. */
  private final class Exchange {
    final CompletableFuture<Message> result = new CompletableFuture<>();
    private final Chain chain;
    private final Request request;
    private final byte[] wire;
    private final List<Upstream> order;
    private final long deadline;
    private final IoLoop loop;
    private int next;
    private String lastError = "no upstream asked";

    Exchange(Chain chain, Request request, byte[] wire, List<Upstream> order, long deadline) {
      this.chain = chain;
      this.request = request;
      this.wire = wire;
      this.order = order;
      this.deadline = deadline;
      this.loop = request.context().loop();
    }

    void askNext() {
      long now = ticker.read();
      if (next >= order.size() || now >= deadline) {
        if (now >= deadline) {
          lastError = "the query's " + GrpcConfig.QUERY_TIMEOUT.toSeconds() + " s ran out";
        }
        giveUp();
        return;
      }
      Upstream upstream = order.get(next++);
      long started = now;
      ClientCalls.asyncUnaryCall(
          upstream.channel().newCall(DnsService.QUERY, CallOptions.DEFAULT.withDeadlineAfter(deadline - now, TimeUnit.NANOSECONDS)),
          wire,
          new StreamObserver<byte[]>() {
            private byte[] reply;

            @Override
            public void onNext(byte[] value) {
              reply = value;
            }

            @Override
            public void onError(Throwable error) {
              Status status = Status.fromThrowable(error);
              loop.execute(() -> failed(upstream, status));
            }

            @Override
            public void onCompleted() {
              byte[] received = reply;
              loop.execute(() -> replied(upstream, received, started));
            }
          });
    }

    private void failed(Upstream upstream, Status status) {
      if (status.getCode() == Status.Code.NOT_FOUND) {
        // CoreDNS's grpc plugin: NOT_FOUND from an upstream is an NXDOMAIN answer.
        note(upstream, "NOT_FOUND: NXDOMAIN");
        answered(Responses.error(request, Rcode.NXDOMAIN));
        return;
      }
      lastError = upstream.label() + ": " + status.getCode() + (status.getDescription() == null ? "" : " " + status.getDescription());
      note(upstream, status.getCode() + ", trying the next upstream");
      askNext();
    }

    private void replied(Upstream upstream, byte[] received, long started) {
      Message reply;
      try {
        reply = new Message(received);
      } catch (IOException e) {
        lastError = upstream.label() + ": not a DNS message: " + e.getMessage();
        note(upstream, "not a DNS message, trying the next upstream");
        askNext();
        return;
      }
      String rcode = Rcode.string(reply.getRcode());
      if (!chain.explaining()) {
        upstream.requests().inc();
        metrics.responses.labels(rcode, upstream.label()).inc();
        upstream.duration().observe((ticker.read() - started) / 1e9);
      }
      note(upstream, rcode + " in " + TimeUnit.NANOSECONDS.toMillis(ticker.read() - started) + " ms");
      if (!answersTheQuestion(reply)) {
        note(upstream, "the reply is for another question: FORMERR");
        result.complete(Responses.error(request, Rcode.FORMERR));
        return;
      }
      answered(reply);
    }

    private void answered(Message reply) {
      if (reply.getRcode() == Rcode.NXDOMAIN && config.fallthrough().covers(request.qname()) && chain.hasNext()) {
        result.complete(null);
        return;
      }
      result.complete(reply);
    }

    /** CoreDNS's {@code request.Match}: a response, to one question of this name and type. */
    private boolean answersTheQuestion(Message reply) {
      Record question = reply.getQuestion();
      return reply.getHeader().getFlag(Flags.QR)
          && reply.getHeader().getCount(org.xbill.DNS.Section.QUESTION) == 1
          && question.getName().equals(request.qname())
          && question.getType() == request.qtype();
    }

    private void giveUp() {
      if (config.fallthrough().covers(request.qname()) && chain.hasNext()) {
        result.complete(null);
        return;
      }
      result.completeExceptionally(new DnsException(Rcode.SERVFAIL, "grpc: no upstream answered (" + lastError + ")"));
    }

    private void note(Upstream upstream, String what) {
      if (chain.explaining()) {
        chain.note("upstream " + upstream.label() + ": " + what);
      }
    }
  }
}
