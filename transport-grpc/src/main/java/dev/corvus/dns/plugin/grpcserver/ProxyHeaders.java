package dev.corvus.dns.plugin.grpcserver;

import dev.corvus.dns.api.listener.ProxyProtocol;
import dev.corvus.dns.api.listener.QueryService;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code proxyproto} on a {@code grpc://} listener, as CoreDNS applies it there: sits on the
 * listening socket (after {@link ConnectionLimit}) and puts a {@link HeaderReader} first in each
 * accepted connection's pipeline when the server reads the PROXY protocol from its peer, so the
 * header is read and removed before TLS's ClientHello or HTTP/2's preface (gRPC's handshake
 * timeout covers a header that never ends). gRPC gives calls only the connection's addresses
 * ({@code Grpc.TRANSPORT_ATTR_REMOTE_ADDR}, the balancer's address and port, and {@code
 * TRANSPORT_ATTR_LOCAL_ADDR}: one pair per open connection), so the client a header names is kept
 * for that pair until the connection closes ({@link #client}).
 */
@ChannelHandler.Sharable
final class ProxyHeaders extends ChannelInboundHandlerAdapter {

  private final QueryService queries;
  /** Per open connection whose header named a client: its addresses to that client. */
  private final Map<Addresses, Named> named = new ConcurrentHashMap<>();

  ProxyHeaders(QueryService queries) {
    this.queries = queries;
  }

  /**
   * The client of a call on the connection from {@code peer} to {@code local}: the one its header
   * named, else the peer.
   */
  InetSocketAddress client(InetSocketAddress peer, SocketAddress local) {
    Named client = named.get(new Addresses(peer, local));
    return client != null ? client.address : peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child && child.remoteAddress() instanceof InetSocketAddress peer) {
      queries.proxyProtocol(peer).ifPresent(protocol -> child.pipeline().addFirst(new HeaderReader(protocol, peer)));
    }
    ctx.fireChannelRead(msg);
  }

  /** A connection's remote and local address. */
  private record Addresses(SocketAddress remote, SocketAddress local) {}

  /**
   * A client a header named, compared by identity: a connection's close removes its own entry,
   * never one a later connection with the same addresses made.
   */
  private static final class Named {
    final InetSocketAddress address;

    Named(InetSocketAddress address) {
      this.address = address;
    }
  }

  /**
   * Reads a connection's first bytes until the server's {@link ProxyProtocol} decides, then
   * removes itself (ByteToMessageDecoder passes what followed the header on); a refusal closes
   * the connection (counted by the server).
   */
  private final class HeaderReader extends ByteToMessageDecoder {
    private final ProxyProtocol protocol;
    private final InetSocketAddress peer;

    HeaderReader(ProxyProtocol protocol, InetSocketAddress peer) {
      this.protocol = protocol;
      this.peer = peer;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      ProxyProtocol.Result result = protocol.readStream(in.nioBuffer());
      switch (result.outcome()) {
        case INCOMPLETE -> {
          return;
        }
        case REFUSE -> {
          in.skipBytes(in.readableBytes());
          ctx.close();
          return;
        }
        case ACCEPT -> {
          in.skipBytes(result.headerLength());
          result.client().ifPresent(client -> {
            Addresses addresses = new Addresses(peer, ctx.channel().localAddress());
            Named entry = new Named(client);
            named.put(addresses, entry);
            ctx.channel().closeFuture().addListener(closed -> named.remove(addresses, entry));
          });
        }
      }
      ctx.pipeline().remove(this);
    }
  }
}
