package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.proxyproto.ProxyCounters;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * DNS over TCP (RFC 7766) or TLS (RFC 7858) on one address: two-byte length framing across
 * partial reads, several queries pipelined on one connection and answered as they complete, an
 * idle timeout and a cap on open connections.
 */
final class TcpListener implements AutoCloseable {

  private final Channel serverChannel;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  TcpListener(Transports transports, EventLoopGroup group, NettyIoLoops loops, InetSocketAddress address,
      SslContext tls, TcpLimits limits, QueryExecutor executor, Supplier<RouteTable> routes) {
    Transport transport = tls == null ? Transport.TCP : Transport.TLS;
    ProxyCounters proxyRefused = ProxyCounters.of(executor.metrics(), "tcp");
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transports.serverSocketChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (connections.size() >= limits.maxConnections()) {
              ch.close();
              return;
            }
            connections.add(ch);
            ChannelPipeline pipeline = ch.pipeline();
            ProxyPolicy proxy = routes.get().proxy();
            if (proxy != null) {
              ProxyPolicy.Action action = proxy.actionFor(ch.remoteAddress().getAddress());
              if (action != ProxyPolicy.Action.SKIP) {
                // The header comes first, before TLS's ClientHello.
                pipeline.addLast(new ProxyHeaderReader(action, proxyRefused));
              }
            }
            if (tls != null) {
              pipeline.addLast(tls.newHandler(ch.alloc()));
            }
            pipeline
                .addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new IdleCloser())
                .addLast(new FrameDeadline(limits.frameDeadline()))
                .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                .addLast(new FrameHandler(executor, routes, transport, loops));
          }
        });
    serverChannel = bootstrap.bind(address).syncUninterruptibly().channel();
  }

  InetSocketAddress boundAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Stops accepting connections and reading queries; answers in flight can still be written. */
  void stopReading() {
    serverChannel.close().syncUninterruptibly();
    for (Channel connection : connections) {
      connection.config().setAutoRead(false);
    }
  }

  /** Closes the listener and every connection. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
  }

  /** Closes a connection that stayed idle for the idle timeout. */
  private static final class IdleCloser extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, event);
      }
    }
  }

  private static final class FrameHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final QueryExecutor executor;
    private final Supplier<RouteTable> routes;
    private final Transport transport;
    private final NettyIoLoops loops;

    FrameHandler(QueryExecutor executor, Supplier<RouteTable> routes, Transport transport, NettyIoLoops loops) {
      this.executor = executor;
      this.routes = routes;
      this.transport = transport;
      this.loops = loops;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      ByteBuffer wire = frame.nioBuffer();
      Channel channel = ctx.channel();
      InetSocketAddress client = ProxyHeaderReader.client(channel);
      // The connection's own address (Netty caches it): the one the client connected to.
      InetSocketAddress local = (InetSocketAddress) channel.localAddress();
      executor.execute(wire, client, local, transport, loops.of(channel.eventLoop()), routes, new ResponseSink() {
        @Override
        public void respond(byte[] answer) {
          ByteBuf out = channel.alloc().buffer(answer.length + 2);
          out.writeShort(answer.length);
          out.writeBytes(answer);
          channel.writeAndFlush(out, channel.voidPromise());
        }

        @Override
        public void drop() {
          // As CoreDNS: the connection stays open and the query unanswered.
        }
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Broken framing, TLS errors or resets end this connection only.
      ctx.close();
    }
  }

  /**
   * Limits of a TCP listener.
   *
   * @param maxConnections open connections accepted at most; more are closed at once
   * @param idleTimeout a connection without traffic for this long is closed
   * @param frameDeadline a message started by the client must be complete within this time
   */
  record TcpLimits(int maxConnections, Duration idleTimeout, Duration frameDeadline) {}
}
