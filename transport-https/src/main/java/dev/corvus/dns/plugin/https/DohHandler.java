package dev.corvus.dns.plugin.https;

import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Answers DNS-over-HTTPS requests (RFC 8484) on one HTTP/1.1 connection or one HTTP/3 stream
 * (HTTP/2 is answered on its connection by {@code Doh2Handler}): reads the query ({@link DohRequest}), runs it through the server's query path and
 * writes {@code 200 application/dns-message} with {@code Cache-Control: max-age} of the smallest
 * TTL, or the HTTP error. An answer that completes later (an upstream) is written on the
 * channel's loop; on HTTP/1.1 responses leave in the order of their requests.
 */
public final class DohHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  /** Requests of one HTTP/1.1 connection waiting for their answers at most. */
  static final int MAX_PIPELINED = 128;

  private final DohService service;
  private final Function<Channel, InetSocketAddress> clientOf;
  private final Function<Channel, InetSocketAddress> localOf;
  private final boolean stream;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private ScheduledFuture<?> deadline;

  /**
   * @param service the listener's shared settings
   * @param clientOf the client's address for the channel (HTTP/3 streams know it from their
   *     connection)
   * @param stream whether the channel is one HTTP/2 or HTTP/3 stream (one request, which must
   *     arrive within the service's deadline); else an HTTP/1.1 connection
   */
  public DohHandler(DohService service, Function<Channel, InetSocketAddress> clientOf, boolean stream) {
    this(service, clientOf, null, stream);
  }

  /**
   * @param service the listener's shared settings
   * @param clientOf the client's address for the channel
   * @param localOf the server's address the client connected to, for the channel (the
   *     request's {@code localAddress()}); {@code null}: the listener's bound address
   * @param stream whether the channel is one HTTP/2 or HTTP/3 stream; else an HTTP/1.1 connection
   */
  public DohHandler(DohService service, Function<Channel, InetSocketAddress> clientOf,
      Function<Channel, InetSocketAddress> localOf, boolean stream) {
    this.service = service;
    this.clientOf = clientOf;
    this.localOf = localOf;
    this.stream = stream;
  }

  /** A request whose response is not written yet. */
  private static final class Pending {
    final boolean keepAlive;
    FullHttpResponse response;

    Pending(boolean keepAlive) {
      this.keepAlive = keepAlive;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (stream) {
      // A stream opened and never finished holds memory and a stream slot: reset it.
      deadline = ctx.executor().schedule(() -> {
        ctx.close();
      }, service.requestDeadline().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    RequestDeadline slow = ctx.pipeline().get(RequestDeadline.class);
    if (slow != null) {
      slow.requestRead();
    }
    boolean keepAlive = !stream && HttpUtil.isKeepAlive(request);
    if (pending.size() >= MAX_PIPELINED) {
      // HTTP/1.1 pipelining past any client's need: the queue of unanswered requests is bounded.
      ctx.close();
      return;
    }
    Pending slot = new Pending(keepAlive);
    pending.add(slot);
    if (!request.decoderResult().isSuccess()) {
      complete(ctx, slot, error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
      return;
    }
    if (service.stopped()) {
      complete(ctx, slot, error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down"));
      return;
    }
    DohRequest doh = DohRequest.read(request, service.path());
    if (doh.status() != null) {
      FullHttpResponse response = error(doh.status(), doh.reason());
      if (doh.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
        response.headers().set(HttpHeaderNames.ALLOW, "GET, POST");
      }
      complete(ctx, slot, response);
      return;
    }
    InetSocketAddress local = localOf == null ? null : localOf.apply(ctx.channel());
    ResponseSink sink = new ResponseSink() {
      @Override
      public void respond(byte[] wire) {
        answer(ctx, slot, answer(wire));
      }

      @Override
      public void drop() {
        // CoreDNS: 500 when the chain wrote nothing (RFC 8484 §4.2.1 leaves the code open).
        answer(ctx, slot, error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "no response"));
      }
    };
    InetSocketAddress client = clientOf.apply(ctx.channel());
    if (local == null) {
      service.queries().query(doh.query(), client, service.transport(), sink);
    } else {
      service.queries().query(doh.query(), client, local, service.transport(), sink);
    }
  }

  private void answer(ChannelHandlerContext ctx, Pending slot, FullHttpResponse response) {
    if (ctx.executor().inEventLoop()) {
      complete(ctx, slot, response);
    } else {
      ctx.executor().execute(() -> complete(ctx, slot, response));
    }
  }

  private void complete(ChannelHandlerContext ctx, Pending slot, FullHttpResponse response) {
    service.count(response.status());
    if (!ctx.channel().isActive() || !pending.contains(slot)) {
      response.release(); // the client went away before its answer
      return;
    }
    slot.response = response;
    boolean wrote = false;
    while (!pending.isEmpty() && pending.peek().response != null) {
      Pending done = pending.poll();
      FullHttpResponse out = done.response;
      wrote = true;
      if (!stream && !done.keepAlive) {
        out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        pending.forEach(p -> {
          if (p.response != null) {
            p.response.release();
          }
        });
        pending.clear();
        return;
      }
      ctx.write(out, ctx.voidPromise());
    }
    if (wrote) {
      ctx.flush();
    }
  }

  private static FullHttpResponse answer(byte[] wire) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(wire));
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, DohRequest.MEDIA_TYPE);
    headers.set(HttpHeaderNames.CACHE_CONTROL, "max-age=" + DnsWire.minimalTtl(wire));
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, wire.length);
    return response;
  }

  /** An error with a one-line text body: what was wrong, never an exception. */
  static FullHttpResponse error(HttpResponseStatus status, String reason) {
    ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + reason + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return response;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (deadline != null) {
      deadline.cancel(false);
    }
    for (Pending p : pending) {
      if (p.response != null) {
        p.response.release();
      }
    }
    pending.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A broken stream or connection ends itself only; the reason is the peer's, not logged.
    ctx.close();
  }
}
