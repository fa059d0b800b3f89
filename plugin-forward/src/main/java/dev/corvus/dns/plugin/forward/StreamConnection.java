package dev.corvus.dns.plugin.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * One TCP or TLS connection to an upstream carrying pipelined queries (RFC 7766 §6.2.1.1): each
 * query gets an ID unused on this connection, answers are matched by ID in any order. The
 * pending table is touched only on the connection's event loop. The connection closes itself
 * when it has been idle for {@code expire} (the pipeline's idle handler fires the event).
 */
final class StreamConnection extends SimpleChannelInboundHandler<ByteBuf> {

  /** A query waiting for its answer. */
  private record Pending(Record question, CompletableFuture<Message> result, boolean reused) {}

  private final Upstream upstream;
  private final UpstreamClient client;
  private final boolean closeWhenIdle;
  private final Map<Integer, Pending> pending = new HashMap<>();
  private final CompletableFuture<Channel> ready = new CompletableFuture<>();
  private volatile boolean closed;
  private volatile int inFlight;

  /**
   * @param closeWhenIdle close as soon as no query is pending ({@code expire 0})
   */
  StreamConnection(Upstream upstream, UpstreamClient client, boolean closeWhenIdle) {
    this.upstream = upstream;
    this.client = client;
    this.closeWhenIdle = closeWhenIdle;
  }

  /** Completes once the connection (and its TLS handshake) is established. */
  CompletableFuture<Channel> ready() {
    return ready;
  }

  /** Whether new queries may still be sent on this connection. */
  boolean isOpen() {
    return !closed && !ready.isCompletedExceptionally();
  }

  /** Queries sent and not yet answered. */
  int inFlight() {
    return inFlight;
  }

  /**
   * Sends {@code wire} (its ID replaced by one free on this connection) once the connection is
   * ready and completes {@code result} with the matching answer.
   *
   * @param reused whether the connection came from the pool, which makes an early close a
   *     {@link UpstreamException.CachedConnectionClosed}
   */
  void send(byte[] wire, Record question, CompletableFuture<Message> result, boolean reused, long timeoutNanos) {
    ready.whenComplete(
        (channel, error) -> {
          if (error != null) {
            result.completeExceptionally(
                new UpstreamException(upstream.label() + ": connect failed: " + error.getMessage(), error));
            return;
          }
          channel.eventLoop().execute(() -> write(channel, wire, question, result, reused, timeoutNanos));
        });
  }

  private void write(
      Channel channel,
      byte[] wire,
      Record question,
      CompletableFuture<Message> result,
      boolean reused,
      long timeoutNanos) {
    if (result.isDone()) {
      return;
    }
    if (closed) {
      result.completeExceptionally(
          reused
              ? new UpstreamException.CachedConnectionClosed(upstream.label())
              : new UpstreamException(upstream.label() + ": connection closed"));
      return;
    }
    int id;
    do {
      id = client.randomId();
    } while (pending.containsKey(id));
    int queryId = id;
    pending.put(queryId, new Pending(question, result, reused));
    inFlight = pending.size();
    // A timed-out query gives its ID back so the table does not fill with abandoned entries.
    result.whenComplete((answer, error) -> {
      if (error != null) {
        channel.eventLoop().execute(() -> forget(queryId, result));
      }
    });
    var timer =
        channel.eventLoop().schedule(
            () -> result.completeExceptionally(new UpstreamException.Timeout(upstream.label(), timeoutNanos)),
            timeoutNanos,
            TimeUnit.NANOSECONDS);
    result.whenComplete((answer, error) -> timer.cancel(false));
    byte[] query = Arrays.copyOf(wire, wire.length);
    query[0] = (byte) (queryId >>> 8);
    query[1] = (byte) queryId;
    channel
        .writeAndFlush(Unpooled.wrappedBuffer(query))
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                f.channel().close();
              }
            });
  }

  private void forget(int id, CompletableFuture<Message> result) {
    Pending entry = pending.get(id);
    if (entry != null && entry.result() == result) {
      pending.remove(id);
      inFlight = pending.size();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    // Without TLS the connection is ready when connected; with TLS, the pool completes
    // ready() after the handshake.
    if (ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null) {
      ready.complete(ctx.channel());
    }
    super.channelActive(ctx);
  }

  /** Marks the connection ready after its TLS handshake. */
  void handshakeDone(Channel channel) {
    ready.complete(channel);
  }

  /** Fails the connection before it was ready. */
  void connectFailed(Throwable cause) {
    closed = true;
    ready.completeExceptionally(cause);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    if (frame.readableBytes() < 12) {
      upstream.countDropped("malformed");
      return;
    }
    int id = frame.getUnsignedShort(frame.readerIndex());
    Pending entry = pending.get(id);
    if (entry == null) {
      upstream.countDropped("id");
      return;
    }
    Message answer;
    try {
      answer = new Message(ByteBufUtil.getBytes(frame));
    } catch (IOException e) {
      upstream.countDropped("malformed");
      return;
    }
    if (!AnswerCheck.answers(answer, entry.question())) {
      upstream.countDropped("question");
      return;
    }
    pending.remove(id);
    inFlight = pending.size();
    entry.result().complete(answer);
    if (closeWhenIdle && pending.isEmpty()) {
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent && pending.isEmpty()) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    ready.completeExceptionally(new UpstreamException(upstream.label() + ": connection closed"));
    List<Pending> abandoned = new ArrayList<>(pending.values());
    pending.clear();
    inFlight = 0;
    for (Pending entry : abandoned) {
      entry.result()
          .completeExceptionally(
              entry.reused()
                  ? new UpstreamException.CachedConnectionClosed(upstream.label())
                  : new UpstreamException(upstream.label() + ": connection closed before the answer"));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ready.isDone()) {
      ready.completeExceptionally(cause);
    }
    ctx.close();
  }

  /** Closes the connection; pending queries fail. */
  void close(Channel channel) {
    closed = true;
    channel.close();
  }
}
