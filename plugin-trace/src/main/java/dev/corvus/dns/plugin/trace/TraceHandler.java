package dev.corvus.dns.plugin.trace;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.DnsException;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.QueryContext;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.tap.ExchangeObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Traces one query in every {@code every} as CoreDNS's trace handler does: a {@code servedns}
 * server span over the rest of the chain with the tags {@code coredns.io/name}, {@code /type},
 * {@code /proto}, {@code /remote} and {@code /rcode}, and a {@code connect} client span (tag
 * {@code peer.address}) for every exchange a later plugin reports, as CoreDNS's forward does for
 * each upstream attempt. A query that is not sampled costs one counter increment: no span, no
 * context, no allocation.
 */
final class TraceHandler implements Handler {

  static final String SPAN_NAME = "servedns";
  static final String EXCHANGE_SPAN_NAME = "connect";
  static final AttributeKey<String> NAME = AttributeKey.stringKey("coredns.io/name");
  static final AttributeKey<String> TYPE = AttributeKey.stringKey("coredns.io/type");
  static final AttributeKey<String> RCODE = AttributeKey.stringKey("coredns.io/rcode");
  static final AttributeKey<String> PROTO = AttributeKey.stringKey("coredns.io/proto");
  static final AttributeKey<String> REMOTE = AttributeKey.stringKey("coredns.io/remote");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("peer.address");
  static final AttributeKey<String> PLUGIN = AttributeKey.stringKey("corvus.plugin");

  /** The query's span, for the {@code trace/traceid} metadata. */
  static final QueryContext.Key<Span> SPAN = new QueryContext.Key<>("trace/span");

  private final long every;
  private final AtomicLong count = new AtomicLong();
  private volatile Tracer tracer;

  TraceHandler(long every) {
    this.every = every;
  }

  void tracer(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    Tracer tracer = this.tracer;
    // CoreDNS counts every query and traces those whose number is a multiple of every.
    if (every == 0 || tracer == null || chain.explaining() || count.incrementAndGet() % every != 0) {
      return chain.proceed(request);
    }
    Span span = tracer.spanBuilder(SPAN_NAME).setSpanKind(SpanKind.SERVER).setNoParent().startSpan();
    span.setAttribute(NAME, request.qname().toString());
    span.setAttribute(TYPE, Type.string(request.qtype()));
    span.setAttribute(PROTO, request.transport().protocolLabel());
    span.setAttribute(REMOTE, request.client().getAddress().getHostAddress());
    QueryContext context = request.context();
    context.put(SPAN, span);
    Context parent = Context.root().with(span);
    ExchangeObserver.attach(context, (role, plugin, server, tcp, query) -> {
      Span child =
          tracer.spanBuilder(EXCHANGE_SPAN_NAME)
              .setParent(parent)
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute(PEER_ADDRESS, address(server))
              .setAttribute(PLUGIN, plugin)
              .startSpan();
      return (response, error) -> {
        if (error != null) {
          child.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
        child.end();
      };
    });
    CompletionStage<Message> result = chain.proceed(request);
    result.whenComplete((response, error) -> finish(span, response, error));
    return result;
  }

  private static void finish(Span span, Message response, Throwable error) {
    if (error == null) {
      span.setAttribute(RCODE, Rcode.string(response.getRcode()));
    } else {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      int rcode = cause instanceof DnsException dns && dns.rcode() >= 0 ? dns.rcode() : Rcode.SERVFAIL;
      span.setAttribute(RCODE, Rcode.string(rcode));
      span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
    }
    span.end();
  }

  /** {@code host:port} as CoreDNS's proxy.Addr() names an upstream. */
  private static String address(InetSocketAddress server) {
    String host = server.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
  }
}
