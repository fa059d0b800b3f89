package dev.corvus.dns.server.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport in use: epoll on Linux when its native library loads, NIO otherwise.
 *
 * @param epoll whether the epoll transport is used
 */
public record Transports(boolean epoll) {

  /** Epoll when available, unless {@code -Dcorvus.transport=nio}. */
  public static Transports detect() {
    boolean nioForced = "nio".equals(System.getProperty("corvus.transport"));
    return new Transports(!nioForced && Epoll.isAvailable());
  }

  /** An event loop group of {@code threads} daemon threads named {@code name-N}. */
  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
  }

  /** The datagram channel class. */
  public Class<? extends DatagramChannel> datagramChannel() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** The server socket channel class. */
  public Class<? extends ServerSocketChannel> serverSocketChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The client socket channel class. */
  public Class<? extends SocketChannel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Whether several UDP sockets can share a port (SO_REUSEPORT) so that reads spread over cores. */
  public boolean reusePort() {
    return epoll;
  }

  /** The transport's name for logs. */
  public String name() {
    return epoll ? "epoll" : "nio";
  }
}
