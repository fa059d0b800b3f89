package dev.corvus.dns.server.io;

import dev.corvus.dns.api.io.StreamConnection;
import dev.corvus.dns.api.io.StreamHandler;
import dev.corvus.dns.api.io.StreamOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP (or TLS) connection on one of the server's loops carrying DNS messages with their
 * two-byte length (RFC 1035 §4.2.2). Messages sent before it is up wait in a queue. Confined to
 * its loop.
 */
final class NettyStreamConnection extends SimpleChannelInboundHandler<ByteBuf> implements StreamConnection {

  private static final int MAX_MESSAGE = 65535;

  private final InetSocketAddress remote;
  private final StreamHandler handler;
  private final Queue<byte[]> waiting = new ArrayDeque<>();
  private Channel channel;
  private boolean up;
  private boolean open = true;
  private boolean closedNotified;
  private Throwable failure;

  private NettyStreamConnection(InetSocketAddress remote, StreamHandler handler) {
    this.remote = remote;
    this.handler = handler;
  }

  /**
   * @param local the address to connect from (any port); empty for the one the kernel picks
   */
  static NettyStreamConnection open(NettyIoLoop loop, InetSocketAddress remote, Optional<InetAddress> local,
      StreamOptions options, StreamHandler handler) {
    NettyStreamConnection connection = new NettyStreamConnection(remote, handler);
    long connectMillis = Math.max(1, Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
    ChannelFuture connect = new Bootstrap()
        .group(loop.eventLoop())
        .channel(loop.transports().socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connection.channel = ch;
            options.tls().ifPresent(tls -> {
              SslHandler ssl = ((NettyTlsClient) tls).newHandler(ch.alloc(), remote);
              ssl.setHandshakeTimeoutMillis(connectMillis);
              ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                  connection.becameUp();
                } else {
                  connection.fail(f.cause());
                }
              });
              ch.pipeline().addLast(ssl);
            });
            if (!options.idleTimeout().isZero()) {
              ch.pipeline().addLast(new IdleStateHandler(0, 0, options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
            }
            ch.pipeline()
                .addLast(new LengthFieldBasedFrameDecoder(MAX_MESSAGE + 2, 0, 2, 0, 2))
                .addLast(connection);
          }
        })
        .connect(remote, local.map(address -> new InetSocketAddress(address, 0)).orElse(null));
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        connection.fail(f.cause());
      } else if (options.tls().isEmpty()) {
        connection.becameUp();
      }
    });
    return connection;
  }

  @Override
  public InetSocketAddress remote() {
    return remote;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void send(byte[] message) {
    if (!open) {
      return;
    }
    if (message.length > MAX_MESSAGE) {
      throw new IllegalArgumentException("a DNS message over TCP has at most 65535 bytes, not " + message.length);
    }
    if (up) {
      write(message);
    } else {
      waiting.add(message);
    }
  }

  private void write(byte[] message) {
    ByteBuf frame = channel.alloc().buffer(message.length + 2);
    frame.writeShort(message.length);
    frame.writeBytes(message);
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  private void becameUp() {
    if (!open || up) {
      return;
    }
    up = true;
    handler.connected();
    byte[] message;
    while (open && (message = waiting.poll()) != null) {
      write(message);
    }
  }

  @Override
  public void close() {
    shutDown();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    if (open) {
      handler.received(frame.nioBuffer());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open = false;
    waiting.clear();
    notifyClosed();
    super.channelInactive(ctx);
  }

  private void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    shutDown();
  }

  /** Takes no more sends and closes the channel; the handler hears of it once. */
  private void shutDown() {
    if (!open) {
      return;
    }
    open = false;
    waiting.clear();
    if (channel != null && channel.isOpen()) {
      channel.close();
    } else {
      notifyClosed();
    }
  }

  private void notifyClosed() {
    if (!closedNotified) {
      closedNotified = true;
      handler.closed(failure);
    }
  }
}
