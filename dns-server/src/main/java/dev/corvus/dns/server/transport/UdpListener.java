package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * DNS over UDP on one address. With epoll, one socket per event loop thread shares the port
 * (SO_REUSEPORT), so the kernel spreads datagrams over the cores.
 */
final class UdpListener implements AutoCloseable {

  /** Datagrams read per wake-up at most: Netty's default for datagram channels. */
  private static final int READ_BATCH = 16;

  private final List<Channel> channels = new ArrayList<>();
  private final InetSocketAddress boundAddress;

  UdpListener(Transports transports, EventLoopGroup group, int sockets, InetSocketAddress address,
      QueryExecutor executor, Supplier<RouteTable> routes) {
    // One handler per socket: it remembers whether that socket has answers written but not flushed.
    ChannelHandler handler = new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel channel) {
        channel.pipeline().addLast(new QueryHandler(executor, routes));
      }
    };
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(transports.datagramChannel())
        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
        .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
        // Read up to 16 datagrams per wake-up (the allocator alone reads one: its default limit is
        // 1 and a datagram never fills the buffer), so that the answers to a batch are flushed
        // together (one sendmmsg) when it ends.
        .option(ChannelOption.RECVBUF_ALLOCATOR,
            new FixedRecvByteBufAllocator(65536).respectMaybeMoreData(false).maxMessagesPerRead(READ_BATCH))
        .handler(handler);
    int count = transports.reusePort() ? sockets : 1;
    if (transports.reusePort()) {
      bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    Channel first = bootstrap.bind(address).syncUninterruptibly().channel();
    channels.add(first);
    boundAddress = (InetSocketAddress) first.localAddress();
    InetSocketAddress same = new InetSocketAddress(address.getAddress(), boundAddress.getPort());
    try {
      for (int i = 1; i < count; i++) {
        channels.add(bootstrap.bind(same).syncUninterruptibly().channel());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  InetSocketAddress boundAddress() {
    return boundAddress;
  }

  /** Stops reading queries; the sockets stay open to send the answers still in flight. */
  void stopReading() {
    for (Channel channel : channels) {
      channel.config().setAutoRead(false);
    }
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      channel.close().syncUninterruptibly();
    }
  }

  /**
   * Answers the queries of one socket. Answers produced while a read batch is being handled are
   * written without a flush and flushed once when the batch ends, so that the epoll transport sends
   * them with one sendmmsg call instead of one sendmsg per answer; answers that complete later
   * (after an upstream exchange) are flushed at once.
   */
  private static final class QueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final QueryExecutor executor;
    private final Supplier<RouteTable> routes;
    /** Whether the event loop is inside {@link #channelRead0}; only read and written on it. */
    private boolean reading;
    /** Whether answers were written since the last flush; only read and written on the event loop. */
    private boolean unflushed;

    QueryHandler(QueryExecutor executor, Supplier<RouteTable> routes) {
      this.executor = executor;
      this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuffer wire = packet.content().nioBuffer();
      InetSocketAddress sender = packet.sender();
      Channel channel = ctx.channel();
      reading = true;
      try {
        executor.execute(wire, sender, Transport.UDP, routes, answer -> send(channel, answer, sender));
      } finally {
        reading = false;
      }
    }

    private void send(Channel channel, byte[] answer, InetSocketAddress recipient) {
      DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(answer), recipient);
      if (channel.eventLoop().inEventLoop() && reading) {
        unflushed = true;
        channel.write(packet, channel.voidPromise());
      } else {
        channel.writeAndFlush(packet, channel.voidPromise());
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (unflushed) {
        unflushed = false;
        ctx.channel().flush();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      unflushed = false;
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A UDP socket error (e.g. ICMP port unreachable reported on Linux) must not close it.
    }
  }
}
