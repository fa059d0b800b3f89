package dev.corvus.dns.plugin.quic;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import dev.corvus.dns.plugin.https.DnsWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One DoQ transaction (RFC 9250 §4.2): the client's bidirectional stream carries one query with
 * a two-byte length prefix, then FIN; the server answers the same way. A protocol error (a
 * message ID other than 0, an edns-tcp-keepalive option, FIN before the whole message, bytes
 * after it, a query that does not parse, a query not there within the read timeout) closes the
 * connection with DOQ_PROTOCOL_ERROR, as CoreDNS does.
 */
final class DoqStream extends ChannelInboundHandlerAdapter {

  private static final int EDNS_TCP_KEEPALIVE = 11;

  private final DoqService service;
  private ChannelHandlerContext ctx;
  private ByteBuf received;
  private boolean hasWorker;
  private boolean read;
  private ScheduledFuture<?> deadline;

  DoqStream(DoqService service) {
    this.service = service;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    if (stream.type() != QuicStreamType.BIDIRECTIONAL || stream.isLocalCreated()) {
      // RFC 9250 §4.2: queries come only on client-initiated bidirectional streams.
      protocolError();
      return;
    }
    if (service.stopped) {
      stream.shutdownOutput(DoqCode.REQUEST_CANCELLED.code);
      stream.close();
      return;
    }
    if (service.acquire(this)) {
      start();
    } else {
      // Wait for a worker unread: QUIC's flow control holds the client back meanwhile.
      stream.config().setAutoRead(false);
    }
  }

  /** Called from any thread when a worker frees up for this waiting stream; false if it closed. */
  boolean workerGranted() {
    if (!ctx.channel().isActive()) {
      return false;
    }
    ctx.executor().execute(() -> {
      if (ctx.channel().isActive()) {
        start();
        ctx.channel().config().setAutoRead(true);
        ctx.read();
      } else {
        service.release();
      }
    });
    return true;
  }

  private void start() {
    hasWorker = true;
    deadline = ctx.executor().schedule(this::protocolError,
        service.readTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    try {
      if (read) {
        if (bytes.isReadable()) {
          protocolError(); // a second message on a stream
        }
        return;
      }
      if (received == null) {
        received = ctx.alloc().heapBuffer(Math.max(bytes.readableBytes(), 64), 2 + 65535);
      }
      if (bytes.readableBytes() > received.maxWritableBytes()) {
        protocolError();
        return;
      }
      received.writeBytes(bytes);
    } finally {
      bytes.release();
    }
    if (received.readableBytes() < 2) {
      return;
    }
    int length = received.getUnsignedShort(received.readerIndex());
    if (length == 0 || received.readableBytes() > 2 + length) {
      // RFC 9250 §4.2: a zero length is a pre-RFC draft; more bytes than the prefix says is a second message.
      protocolError();
      return;
    }
    if (received.readableBytes() == 2 + length) {
      read = true;
      query(received.nioBuffer(received.readerIndex() + 2, length));
    }
  }

  private void query(ByteBuffer wire) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (!DnsWire.isQuery(wire) || DnsWire.id(wire) != 0 || DnsWire.hasEdnsOption(wire, EDNS_TCP_KEEPALIVE)) {
      // RFC 9250 §4.2.1 (ID 0) and §5.5.2 (no keepalive); CoreDNS also closes on an unparsable query.
      protocolError();
      return;
    }
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    service.queries.query(wire, QuicEndpoint.client(stream), Transport.QUIC, new ResponseSink() {
      @Override
      public void respond(byte[] answer) {
        onLoop(() -> {
          ByteBuf out = stream.alloc().buffer(answer.length + 2);
          out.writeShort(answer.length).writeBytes(answer);
          stream.writeAndFlush(out).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
          service.count(DoqCode.NO_ERROR);
          done();
        });
      }

      @Override
      public void drop() {
        onLoop(() -> {
          // No answer to send (dropped by policy or shed): RESET_STREAM, RFC 9250 §4.3.2.
          stream.shutdownOutput(DoqCode.INTERNAL_ERROR.code);
          service.count(DoqCode.INTERNAL_ERROR);
          done();
        });
      }
    });
    received.release();
    received = null;
  }

  private void onLoop(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof ChannelInputShutdownReadComplete && !read) {
      // RFC 9250 §4.3.3: FIN before the whole message.
      protocolError();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  private void protocolError() {
    service.count(DoqCode.PROTOCOL_ERROR);
    read = true;
    QuicChannel connection = (QuicChannel) ctx.channel().parent();
    connection.close(true, DoqCode.PROTOCOL_ERROR.code, Unpooled.EMPTY_BUFFER);
  }

  private void done() {
    if (hasWorker) {
      hasWorker = false;
      service.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (received != null) {
      received.release();
      received = null;
    }
    service.forget(this);
    done();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A stream the client reset (cancelled) or a connection that went away: this stream only.
    ctx.close();
  }
}
