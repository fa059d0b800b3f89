package dev.corvus.dns.plugin.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's own small Netty event loop group (epoll when available, NIO otherwise) and the
 * bootstraps of its UDP exchanges and TCP/TLS connections. Created in {@link ForwardPlugin#start}
 * and closed in {@link ForwardPlugin#stop}.
 */
final class UpstreamClient implements AutoCloseable {

  /**
   * The longest answer read over UDP with epoll. A longer one is cut there and asked again over TCP
   * ({@link UdpSocket}); answers that long over UDP are rare (clients advertise 1232 or 4096).
   */
  private static final int EPOLL_MAX_UDP_ANSWER = 4096;
  /**
   * The receive buffer: four answers per recvmmsg call with epoll, one answer of up to 16 KiB with
   * NIO. 16 KiB is a size class of Netty's pool; a 64 KiB buffer is not, and was allocated and
   * zeroed anew for every answer.
   */
  private static final int RECEIVE_BUFFER = 4 * EPOLL_MAX_UDP_ANSWER;
  private static final FixedRecvByteBufAllocator RECEIVE_ALLOCATOR = new FixedRecvByteBufAllocator(RECEIVE_BUFFER);

  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> datagramChannel;
  private final Class<? extends SocketChannel> socketChannel;
  private final SecureRandom random = new SecureRandom();
  private final Class<? extends IoHandler> ioHandler;

  /**
   * @param threads the number of event loops
   */
  UpstreamClient(int threads) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("corvus-forward", true), io);
    this.ioHandler = epoll ? EpollIoHandler.class : NioIoHandler.class;
    this.datagramChannel = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    this.socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The length at which a UDP answer may have been cut short by the receive buffer. */
  int maxUdpAnswer() {
    return ioHandler == EpollIoHandler.class ? EPOLL_MAX_UDP_ANSWER : RECEIVE_BUFFER;
  }

  /** An unpredictable 16-bit query ID (RFC 5452 §9.2). */
  int randomId() {
    return random.nextInt(0x10000);
  }

  /** Fills {@code bytes} from the secure random generator that also makes query IDs. */
  void randomBytes(byte[] bytes) {
    random.nextBytes(bytes);
  }

  /**
   * The event loop running the calling thread when its sockets can be of this client's transport
   * (the server's I/O thread, with the same epoll or NIO transport); null otherwise.
   */
  EventLoop callerLoop() {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    return current instanceof IoEventLoop loop && loop.isIoType(ioHandler) && loop.inEventLoop() ? loop : null;
  }

  /** One of the client's own event loops, in turn. */
  EventLoop nextLoop() {
    return group.next();
  }

  /**
   * Binds a UDP socket on {@code loop}, on an ephemeral port of the upstream's address family;
   * Linux picks ephemeral ports at random, which together with the random ID is RFC 5452's
   * defence against forged answers. The socket is not connected, so that answers from elsewhere
   * reach the handler and are counted rather than silently discarded by the kernel.
   * The kernel's default receive buffer is kept: a larger one measured slower.
   */
  ChannelFuture bindDatagram(EventLoop loop, InetSocketAddress upstream, ChannelHandler handler) {
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(datagramChannel)
        .option(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_ALLOCATOR)
        .handler(handler);
    if (ioHandler == EpollIoHandler.class) {
      bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, EPOLL_MAX_UDP_ANSWER);
    }
    return bootstrap.bind(new InetSocketAddress(wildcardFor(upstream.getAddress()), 0));
  }

  /** Connects a TCP socket to {@code upstream}; {@code initializer} sets up its pipeline. */
  ChannelFuture connect(InetSocketAddress upstream, ChannelHandler initializer, long timeoutNanos) {
    int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
    return new Bootstrap()
        .group(group)
        .channel(socketChannel)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(initializer)
        .connect(upstream);
  }

  /** Runs {@code task} after {@code nanos} on some event loop of the client. */
  io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return group.next().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static InetAddress wildcardFor(InetAddress address) {
    try {
      return address instanceof Inet4Address
          ? InetAddress.getByAddress(new byte[4])
          : InetAddress.getByAddress(new byte[16]);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
