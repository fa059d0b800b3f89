package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.server.proxyproto.ProxyCounters;
import dev.corvus.dns.server.proxyproto.ProxyHeader;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The first handler of a TCP or TLS connection when its block has {@code proxyproto}: reads a
 * PROXY v1 or v2 header before anything else (before TLS), applies the policy for the peer, and
 * removes itself. The client it names is kept as {@link #CLIENT} for the queries of the
 * connection. A malformed header, or one from a peer whose policy is {@code reject}, closes the
 * connection.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

  /** The client a PROXY header named for this connection. */
  static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf("corvus.proxyproto.client");

  private final ProxyPolicy.Action action;
  private final ProxyCounters counters;
  private ByteBuf pending;

  ProxyHeaderReader(ProxyPolicy.Action action, ProxyCounters counters) {
    this.action = action;
    this.counters = counters;
  }

  /** The client of a connection's queries: the one its PROXY header named, else its peer. */
  static InetSocketAddress client(Channel channel) {
    InetSocketAddress named = channel.attr(CLIENT).get();
    return named != null ? named : (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (pending != null) {
      pending.writeBytes(in);
      in.release();
      in = pending;
      pending = null;
    }
    ProxyHeader.Parse parsed = ProxyHeader.parse(in.nioBuffer());
    switch (parsed.kind()) {
      case INCOMPLETE -> {
        pending = ctx.alloc().buffer(Math.max(in.readableBytes() * 2, 128)).writeBytes(in);
        in.release();
        if (pending.readableBytes() > 16 + 65535) {
          refuse(ctx, counters.invalid());
        }
        return;
      }
      case INVALID -> {
        in.release();
        refuse(ctx, counters.invalid());
        return;
      }
      case HEADER -> {
        if (action == ProxyPolicy.Action.REJECT) {
          in.release();
          refuse(ctx, counters.rejected());
          return;
        }
        ProxyHeader header = parsed.header();
        if (action == ProxyPolicy.Action.USE && header.source() != null) {
          ctx.channel().attr(CLIENT).set(header.source());
        }
        in.skipBytes(header.length());
      }
      case ABSENT -> { }
    }
    ctx.pipeline().remove(this);
    if (in.isReadable()) {
      ctx.fireChannelRead(in);
    } else {
      in.release();
    }
  }

  private void refuse(ChannelHandlerContext ctx, Counter.Child counter) {
    counter.inc();
    ctx.close();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }
}
