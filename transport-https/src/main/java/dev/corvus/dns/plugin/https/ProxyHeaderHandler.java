package dev.corvus.dns.plugin.https;

import dev.corvus.dns.api.listener.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The first handler of a connection whose server block has {@code proxyproto}: reads the PROXY
 * header, if any, before anything else (before TLS's ClientHello), keeps the client it names as
 * the connection's client ({@link #client}) and removes itself; a connection the server refuses
 * (malformed header, {@code default reject}) is closed.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {

  /** The client a PROXY header named for this connection. */
  private static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf("corvus.https.proxyproto.client");

  private final ProxyProtocol protocol;
  private ByteBuf pending;

  ProxyHeaderHandler(ProxyProtocol protocol) {
    this.protocol = protocol;
  }

  /** The client of a connection's requests: the one its PROXY header named, else its peer. */
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
    ProxyProtocol.Result result = protocol.readStream(in.nioBuffer());
    switch (result.outcome()) {
      case INCOMPLETE -> {
        pending = ctx.alloc().buffer(Math.max(in.readableBytes() * 2, 128)).writeBytes(in);
        in.release();
        return;
      }
      case REFUSE -> {
        in.release();
        ctx.close();
        return;
      }
      case ACCEPT -> {
        result.client().ifPresent(client -> ctx.channel().attr(CLIENT).set(client));
        in.skipBytes(result.headerLength());
      }
    }
    ctx.pipeline().remove(this);
    if (in.isReadable()) {
      ctx.fireChannelRead(in);
    } else {
      in.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }
}
