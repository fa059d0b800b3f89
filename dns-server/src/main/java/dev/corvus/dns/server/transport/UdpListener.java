package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * DNS over UDP on one address. With epoll, one socket per event loop thread shares the port
 * (SO_REUSEPORT), so the kernel spreads datagrams over the cores.
 */
final class UdpListener implements AutoCloseable {

  private final List<Channel> channels = new ArrayList<>();
  private final InetSocketAddress boundAddress;

  UdpListener(Transports transports, EventLoopGroup group, int sockets, InetSocketAddress address,
      QueryExecutor executor, Supplier<RouteTable> routes) {
    ChannelHandler handler = new QueryHandler(executor, routes);
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(transports.datagramChannel())
        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
        .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
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

  @ChannelHandler.Sharable
  private static final class QueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final QueryExecutor executor;
    private final Supplier<RouteTable> routes;

    QueryHandler(QueryExecutor executor, Supplier<RouteTable> routes) {
      this.executor = executor;
      this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf content = packet.content();
      byte[] wire = ByteBufUtil.getBytes(content);
      InetSocketAddress sender = packet.sender();
      Channel channel = ctx.channel();
      executor.execute(wire, sender, Transport.UDP, routes,
          answer -> channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), sender), channel.voidPromise()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A UDP socket error (e.g. ICMP port unreachable reported on Linux) must not close it.
    }
  }
}
