package dev.corvus.dns.plugin.quic;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.plugin.https.ListenerThreads;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What DoQ and DoH3 listeners share: QUIC's TLS context from the block's {@code tls} files, the
 * UDP socket with its single event loop (QUIC connections are demultiplexed from one socket),
 * the connection limit. The QUIC native library loads here, when a {@code quic://} or {@code
 * https3://} block is served, and not before.
 */
public final class QuicEndpoint implements AutoCloseable {

  /** CoreDNS's {@code DefaultQUICMaxConnections}. */
  public static final int MAX_CONNECTIONS = 200;

  private final ListenerThreads threads;
  private final Channel channel;

  private QuicEndpoint(ListenerThreads threads, Channel channel) {
    this.threads = threads;
    this.channel = channel;
  }

  /**
   * Binds {@code spec}'s address with the QUIC codec {@code codec} builds from the TLS context.
   *
   * @throws IOException when QUIC is not available on this platform or the address is taken
   */
  public static QuicEndpoint bind(ListenerSpec spec, String name, String[] alpn,
      Function<QuicSslContext, ChannelHandler> codec) throws IOException {
    return bind(spec, null, name, alpn, codec);
  }

  /**
   * Binds as {@link #bind(ListenerSpec, String, String[], Function)}, reading the PROXY protocol
   * of the datagrams when {@code queries} asks for it ({@code proxyproto}).
   *
   * @param queries the server's query path, which gives the PROXY protocol of each peer; {@code
   *     null}: no PROXY protocol
   */
  public static QuicEndpoint bind(ListenerSpec spec, QueryService queries, String name, String[] alpn,
      Function<QuicSslContext, ChannelHandler> codec) throws IOException {
    if (!Quic.isAvailable()) {
      throw new IOException(spec.serverLabel() + " needs QUIC's native library, which does not load here: "
          + Quic.unavailabilityCause());
    }
    TlsFiles files = spec.tls().orElseThrow(() -> new IOException(spec.serverLabel() + " needs a tls directive"));
    QuicSslContext tls;
    try {
      QuicSslContextBuilder builder = QuicSslContextBuilder.forServer(
          files.key().orElseThrow().toFile(), null, files.certificate().orElseThrow().toFile())
          .applicationProtocols(alpn);
      if (files.ca().isPresent()) {
        builder.trustManager(files.ca().get().toFile());
      }
      tls = builder.build();
    } catch (RuntimeException e) {
      throw new IOException("cannot load the certificate " + files.certificate().orElseThrow() + " for QUIC: "
          + e.getMessage(), e);
    }
    ListenerThreads threads = ListenerThreads.start(name, 1);
    try {
      ChannelHandler quic = codec.apply(tls);
      ChannelHandler handler = queries == null ? quic : new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel udp) {
          udp.pipeline().addLast(new ProxyDatagrams(queries)).addLast(quic);
        }
      };
      Channel channel = new Bootstrap().group(threads.group()).channel(threads.datagramChannel())
          .handler(handler).bind(spec.address()).syncUninterruptibly().channel();
      return new QuicEndpoint(threads, channel);
    } catch (RuntimeException e) {
      threads.stop();
      throw new IOException("cannot listen on " + spec.serverLabel() + ": " + e.getMessage(), e);
    }
  }

  /** The bound UDP address. */
  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    threads.stop();
  }

  /**
   * The client's address of a QUIC connection or of one of its streams: the one a PROXY header
   * of its datagrams named ({@code proxyproto}), else the connection's remote address.
   */
  public static InetSocketAddress client(Channel channel) {
    Channel connection = channel instanceof QuicChannel ? channel : channel.parent();
    InetSocketAddress remote = (InetSocketAddress) ((QuicChannel) connection).remoteSocketAddress();
    InetSocketAddress named = ProxyDatagrams.namedClient(connection.parent(), remote);
    return named != null ? named : remote;
  }

  /**
   * Refuses connections beyond {@code max} open ones, closing them with {@code errorCode} (DoQ's
   * DOQ_EXCESSIVE_LOAD, HTTP/3's H3_EXCESSIVE_LOAD); put first in each connection's pipeline.
   */
  @ChannelHandler.Sharable
  public static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private final int max;
    private final long errorCode;
    private final Runnable refused;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param max open connections at most; 0 for no limit
     * @param errorCode the application error code of the refusal
     * @param refused counts a refusal
     */
    public ConnectionLimit(int max, long errorCode, Runnable refused) {
      this.max = max;
      this.errorCode = errorCode;
      this.refused = refused;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (open.incrementAndGet() > max && max > 0) {
        refused.run();
        ((QuicChannel) ctx.channel()).close(true, (int) errorCode,
            Unpooled.copiedBuffer("too many connections", StandardCharsets.US_ASCII));
        return;
      }
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      open.decrementAndGet();
      super.channelInactive(ctx);
    }
  }
}
