package dev.corvus.dns.plugin.https;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops of one encrypted listener: as many threads as cores, epoll on Linux unless the
 * server runs with {@code -Dcorvus.transport=nio}, as the server's own loops. Queries answered
 * from memory complete on these threads; the server finishes the others on its own loops and
 * hands the answer back.
 *
 * @param group the event loops
 * @param epoll whether they use epoll
 */
public record ListenerThreads(EventLoopGroup group, boolean epoll) {

  /** Starts {@code threads} daemon threads named {@code name-N} (0: one per core). */
  public static ListenerThreads start(String name, int threads) {
    boolean epoll = !"nio".equals(System.getProperty("corvus.transport")) && Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new ListenerThreads(new MultiThreadIoEventLoopGroup(count, new DefaultThreadFactory(name, true), factory), epoll);
  }

  /** The server socket channel class. */
  public Class<? extends ServerSocketChannel> serverSocketChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The datagram channel class. */
  public Class<? extends DatagramChannel> datagramChannel() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** Stops the threads once their work is done. */
  public void stop() {
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
