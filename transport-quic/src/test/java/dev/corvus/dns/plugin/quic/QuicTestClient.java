package dev.corvus.dns.plugin.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A QUIC client for the tests, on Netty's QUIC and HTTP/3 codecs: DoQ streams written byte by
 * byte as a test wants them (well or badly), and HTTP/3 requests (no Debian client speaks HTTP/3:
 * curl 7.88 is built without it and kdig 3.2 has no DoH3).
 */
final class QuicTestClient implements AutoCloseable {

  /** How a connection ended: the peer's application error code, or -1 while open. */
  final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
  private final EventLoopGroup group;
  private final Channel udp;
  final QuicChannel connection;

  private QuicTestClient(EventLoopGroup group, Channel udp, QuicChannel connection) {
    this.group = group;
    this.udp = udp;
    this.connection = connection;
  }

  static QuicTestClient connect(InetSocketAddress server, String... alpn) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    QuicSslContext tls = QuicSslContextBuilder.forClient()
        .trustManager(InsecureTrustManagerFactory.INSTANCE).applicationProtocols(alpn).build();
    ChannelHandler codec = (alpn[0].equals("doq") ? new QuicClientCodecBuilder() : Http3.newQuicClientCodecBuilder())
        .sslContext(tls)
        .maxIdleTimeout(10, TimeUnit.SECONDS)
        .initialMaxData(1 << 20)
        .initialMaxStreamDataBidirectionalLocal(1 << 17)
        .build();
    Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
        .bind(new InetSocketAddress(server.getAddress(), 0)).sync().channel();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    ChannelHandler watcher = new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof QuicConnectionCloseEvent close) {
          closed.complete(close.error());
        }
        super.userEventTriggered(ctx, event);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed.complete(-1);
        super.channelInactive(ctx);
      }
    };
    QuicChannel connection = QuicChannel.newBootstrap(udp)
        .handler(alpn[0].equals("doq") ? watcher : new Http3ClientConnectionHandler())
        .remoteAddress(server).connect().get(10, TimeUnit.SECONDS);
    if (!alpn[0].equals("doq")) {
      connection.pipeline().addLast(watcher);
    }
    QuicTestClient client = new QuicTestClient(group, udp, connection);
    closed.whenComplete((code, e) -> client.closedWith.complete(code));
    return client;
  }

  /** Opens a DoQ stream; what it receives is gathered until the server's FIN or reset. */
  DoqStreamHandle openDoq() throws Exception {
    DoqStreamHandle handle = new DoqStreamHandle();
    handle.stream = connection.createStream(QuicStreamType.BIDIRECTIONAL, handle).get(10, TimeUnit.SECONDS);
    return handle;
  }

  /** One DoQ stream of the test's. */
  static final class DoqStreamHandle extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> response = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    QuicStreamChannel stream;

    /** Sends {@code bytes} as they are; with {@code fin} the stream's sending side ends. */
    void send(byte[] bytes, boolean fin) throws Exception {
      var future = stream.writeAndFlush(Unpooled.wrappedBuffer(bytes));
      if (fin) {
        future.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
      }
      future.sync();
    }

    /** Sends a query with its two-byte length and FIN, as RFC 9250 says. */
    void query(byte[] wire) throws Exception {
      byte[] framed = new byte[wire.length + 2];
      framed[0] = (byte) (wire.length >> 8);
      framed[1] = (byte) wire.length;
      System.arraycopy(wire, 0, framed, 2, wire.length);
      send(framed, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] bytes = ByteBufUtil.getBytes(buf);
      received.write(bytes, 0, bytes.length);
      buf.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof io.netty.channel.socket.ChannelInputShutdownReadComplete) {
        response.complete(received.toByteArray());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      response.complete(received.toByteArray());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      response.completeExceptionally(cause);
    }

    /** The DNS message of the response, without its length prefix. */
    byte[] message() throws Exception {
      byte[] framed = response.get(10, TimeUnit.SECONDS);
      if (framed.length < 2) {
        throw new AssertionError("no response on the stream (" + framed.length + " bytes)");
      }
      int length = ((framed[0] & 0xff) << 8) | (framed[1] & 0xff);
      byte[] message = new byte[length];
      System.arraycopy(framed, 2, message, 0, length);
      return message;
    }
  }

  /** An HTTP/3 response. */
  record Http3Response(int status, Map<String, String> headers, byte[] body) {}

  /** Sends one HTTP/3 request and waits for its response. */
  Http3Response request(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
    CompletableFuture<Http3Response> result = new CompletableFuture<>();
    Map<String, String> responseHeaders = new TreeMap<>();
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    int[] status = {0};
    QuicStreamChannel stream = Http3.newRequestStream(connection, new Http3RequestStreamInboundHandler() {
      @Override
      protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        status[0] = Integer.parseInt(frame.headers().status().toString());
        frame.headers().forEach(h -> responseHeaders.put(h.getKey().toString(), h.getValue().toString()));
      }

      @Override
      protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        content.write(bytes, 0, bytes.length);
        frame.release();
      }

      @Override
      protected void channelInputClosed(ChannelHandlerContext ctx) {
        result.complete(new Http3Response(status[0], responseHeaders, content.toByteArray()));
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.completeExceptionally(cause);
      }
    }).get(10, TimeUnit.SECONDS);
    DefaultHttp3HeadersFrame request = new DefaultHttp3HeadersFrame();
    request.headers().method(method).path(path).authority("localhost").scheme("https");
    headers.forEach((name, value) -> request.headers().add(name, value));
    if (body == null) {
      stream.writeAndFlush(request).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT).sync();
    } else {
      stream.write(request);
      stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)))
          .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT).sync();
    }
    return result.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
