package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.proxyproto.ProxyCounters;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * DNS over TCP (RFC 7766) or TLS (RFC 7858) on one address: two-byte length framing across
 * partial reads, several queries pipelined on one connection and answered as they complete, a
 * cap on open connections, and the timeouts of the blocks served here (CoreDNS's {@code timeouts}:
 * {@code read}, {@code write}, {@code idle}, {@code maxtcpqueries}), read when a connection opens.
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
            RouteTable table = routes.get();
            ListenerTimeouts timeouts = table.timeouts();
            ProxyPolicy proxy = table.proxy();
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
                .addLast(new IdleStateHandler(0, 0, timeouts.idleOrDefault().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new IdleCloser())
                .addLast(new WriteTimeoutHandler(timeouts.writeOrDefault().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new FrameDeadline(timeouts.readOrDefault()))
                .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                .addLast(new FrameHandler(executor, routes, transport, loops, timeouts.maxTcpQueriesOrDefault()));
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

  /**
   * Reads the queries of one connection. With {@code maxtcpqueries}, the connection reads no
   * query after the last it may serve, and closes once every query it read was answered (all of
   * a zone transfer's messages written), as CoreDNS closes after serving that many.
   */
  private static final class FrameHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final QueryExecutor executor;
    private final Supplier<RouteTable> routes;
    private final Transport transport;
    private final NettyIoLoops loops;
    private final int maxQueries;
    // Touched on the connection's loop only: queries are answered on the loop they were read on.
    private int received;
    private int unanswered;

    FrameHandler(QueryExecutor executor, Supplier<RouteTable> routes, Transport transport, NettyIoLoops loops,
        int maxQueries) {
      this.executor = executor;
      this.routes = routes;
      this.transport = transport;
      this.loops = loops;
      this.maxQueries = maxQueries;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      Channel channel = ctx.channel();
      if (maxQueries > 0) {
        if (received == maxQueries) {
          return; // read with the last allowed query; CoreDNS does not read it at all
        }
        received++;
        if (received == maxQueries) {
          channel.config().setAutoRead(false);
        }
      }
      unanswered++;
      ByteBuffer wire = frame.nioBuffer();
      InetSocketAddress client = ProxyHeaderReader.client(channel);
      // The connection's own address (Netty caches it): the one the client connected to.
      InetSocketAddress local = (InetSocketAddress) channel.localAddress();
      executor.execute(wire, client, local, transport, loops.of(channel.eventLoop()), routes, new StreamSink() {
        private boolean continued;
        private boolean done;

        @Override
        public void respond(byte[] answer) {
          ByteBuf out = channel.alloc().buffer(answer.length + 2);
          out.writeShort(answer.length);
          out.writeBytes(answer);
          channel.writeAndFlush(out, channel.voidPromise());
          if (!continued) {
            answered();
          }
        }

        @Override
        public void drop() {
          // As CoreDNS: the connection stays open and the query unanswered.
          answered();
        }

        @Override
        public void continues() {
          continued = true;
        }

        @Override
        public void finished() {
          answered();
        }

        private void answered() {
          if (!done) {
            done = true;
            queryDone(channel);
          }
        }
      });
    }

    private void queryDone(Channel channel) {
      unanswered--;
      if (maxQueries > 0 && received == maxQueries && unanswered == 0) {
        // Queued behind the answers: the connection ends once they are written.
        ChannelFuture written = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
        if (transport == Transport.TCP && channel instanceof SocketChannel socket) {
          // A FIN after the answers, and what the client still sends is read and ignored until it
          // closes (or the idle timeout): closing with unread queries would reset the connection,
          // which can discard answers not yet sent.
          written.addListener((ChannelFuture f) -> socket.shutdownOutput());
          channel.config().setAutoRead(true);
        } else {
          written.addListener(ChannelFutureListener.CLOSE);
        }
      }
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
   */
  record TcpLimits(int maxConnections) {}
}
