package dev.corvus.dns.plugin.grpcserver;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of one gRPC listener: one accepting, one per core serving connections, epoll
 * on Linux unless the server runs with {@code -Dcorvus.transport=nio}, as the server's own loops.
 * Queries answered from memory complete on them without a change of threads.
 */
final class LoopGroups {

  final EventLoopGroup boss;
  final EventLoopGroup workers;
  private final boolean epoll;

  LoopGroups(String name) {
    epoll = !"nio".equals(System.getProperty("corvus.transport")) && Epoll.isAvailable();
    boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true), factory());
    workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory(name, true), factory());
  }

  private IoHandlerFactory factory() {
    return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** A new server socket channel of the loops' kind with {@code first} first in its pipeline, in order. */
  ServerChannel serverChannel(io.netty.channel.ChannelHandler... first) {
    ServerChannel channel = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
    channel.pipeline().addLast(first);
    return channel;
  }


  void stop() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
