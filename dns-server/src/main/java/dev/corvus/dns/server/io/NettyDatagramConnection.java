package dev.corvus.dns.server.io;

import dev.corvus.dns.api.io.DatagramConnection;
import dev.corvus.dns.api.io.DatagramHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A connected UDP socket on one of the server's loops. Connected, so that the kernel drops
 * datagrams from anyone else and reports ICMP errors for the remote, which Netty raises as a
 * {@link java.net.PortUnreachableException} on the next read or write: the handler learns at once
 * that nobody listens there. Confined to its loop.
 */
final class NettyDatagramConnection extends SimpleChannelInboundHandler<DatagramPacket>
    implements DatagramConnection {

  /**
   * The longest datagram read whole with epoll; longer ones are cut there. DNS answers over UDP
   * are at most the advertised payload (1232 or 4096 in practice).
   */
  static final int EPOLL_MAX_DATAGRAM = 4096;
  /**
   * The receive buffer: four datagrams per recvmmsg call with epoll, one of up to 16 KiB with
   * NIO. 16 KiB is a size class of Netty's pool; a 64 KiB buffer is not, and was allocated and
   * zeroed anew for every read.
   */
  private static final int RECEIVE_BUFFER = 4 * EPOLL_MAX_DATAGRAM;
  /** Linux's errno values of the ICMP errors a connected UDP socket reports. */
  private static final int ENETUNREACH = 101;
  private static final int ECONNREFUSED = 111;
  private static final int EHOSTUNREACH = 113;

  private final NettyIoLoop loop;
  private final InetSocketAddress remote;
  private final DatagramHandler handler;
  private final int maxReceive;
  private ChannelFuture connected;
  private boolean open = true;
  private boolean closedNotified;
  private boolean flushQueued;

  private NettyDatagramConnection(NettyIoLoop loop, InetSocketAddress remote, DatagramHandler handler) {
    this.loop = loop;
    this.remote = remote;
    this.handler = handler;
    this.maxReceive = loop.transports().epoll() ? EPOLL_MAX_DATAGRAM : RECEIVE_BUFFER;
  }

  /**
   * @param local the address to bind; empty for the wildcard address of the remote's family
   */
  static NettyDatagramConnection open(NettyIoLoop loop, InetSocketAddress remote, Optional<InetAddress> local,
      DatagramHandler handler) {
    NettyDatagramConnection connection = new NettyDatagramConnection(loop, remote, handler);
    Bootstrap bootstrap = new Bootstrap()
        .group(loop.eventLoop())
        .channel(loop.transports().datagramChannel())
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
        .handler(connection);
    if (loop.transports().epoll()) {
      bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, EPOLL_MAX_DATAGRAM);
    }
    // An ephemeral port, picked at random by the kernel (RFC 5452 §9.2), on the given address or
    // the wildcard address of the remote's family.
    InetAddress bind = local.orElseGet(() -> wildcardFor(remote.getAddress()));
    connection.connected = bootstrap.connect(remote, new InetSocketAddress(bind, 0));
    connection.connected.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        connection.fail(f.cause());
      }
    });
    return connection;
  }

  @Override
  public InetSocketAddress remote() {
    return remote;
  }

  @Override
  public int maxReceive() {
    return maxReceive;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void send(byte[] datagram) {
    if (!open) {
      return;
    }
    if (connected.isDone()) {
      write(datagram);
    } else {
      connected.addListener(f -> write(datagram));
    }
  }

  private void write(byte[] datagram) {
    if (!open || !connected.isSuccess()) {
      return;
    }
    Channel channel = connected.channel();
    // A failed write (ECONNREFUSED after an ICMP error) reaches exceptionCaught through the void promise.
    channel.write(new DatagramPacket(Unpooled.wrappedBuffer(datagram), remote), channel.voidPromise());
    // Datagrams written while the loop handles one batch of events leave together (one sendmmsg).
    if (!flushQueued) {
      flushQueued = true;
      loop.eventLoop().execute(() -> {
        flushQueued = false;
        channel.flush();
      });
    }
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    if (connected.isDone() && connected.isSuccess()) {
      connected.channel().close();
    } else {
      connected.addListener(f -> {
        if (f.isSuccess()) {
          connected.channel().close();
        }
      });
      notifyClosed();
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    if (open) {
      handler.received(packet.content().nioBuffer());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open = false;
    notifyClosed();
    super.channelInactive(ctx);
  }

  private void notifyClosed() {
    if (!closedNotified) {
      closedNotified = true;
      handler.closed();
    }
  }

  private void fail(Throwable cause) {
    if (!open) {
      return;
    }
    open = false;
    handler.failed(asIoException(cause));
    if (connected != null && connected.isSuccess()) {
      connected.channel().close();
    } else {
      notifyClosed();
    }
  }

  /**
   * The failure as the API promises it: the epoll transport reports the errno of an ICMP error as
   * a {@link Errors.NativeIoException}, which becomes the JDK's exception for that error.
   */
  private static IOException asIoException(Throwable cause) {
    if (cause instanceof Errors.NativeIoException nativeError) {
      int errno = -nativeError.expectedErr();
      if (errno == ECONNREFUSED) {
        return withCause(new PortUnreachableException(cause.getMessage()), cause);
      }
      if (errno == EHOSTUNREACH || errno == ENETUNREACH) {
        return withCause(new NoRouteToHostException(cause.getMessage()), cause);
      }
    }
    return cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
  }

  private static IOException withCause(IOException error, Throwable cause) {
    error.initCause(cause);
    return error;
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
