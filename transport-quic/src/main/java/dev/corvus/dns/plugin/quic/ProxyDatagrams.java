package dev.corvus.dns.plugin.quic;

import dev.corvus.dns.api.listener.ProxyProtocol;
import dev.corvus.dns.api.listener.QueryService;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code proxyproto} on a QUIC listener, as CoreDNS applies it to {@code quic://} and {@code
 * https3://}: each datagram may start with a PROXY version 2 header naming a UDP client (a load
 * balancer's), which is removed before QUIC reads the datagram; the answers still go to the
 * datagram's sender, the balancer. The client the header names is remembered for the sender's
 * address and port, the QUIC connection's remote address, and is the client of the connection's
 * queries ({@link QuicEndpoint#client}). A datagram the policy refuses, or with a malformed
 * header, is dropped and counted.
 */
final class ProxyDatagrams extends ChannelInboundHandlerAdapter {

  /** Balancer addresses remembered at most (CoreDNS's UDP session cap). */
  static final int MAX_PEERS = 10240;
  private static final AttributeKey<Map<InetSocketAddress, InetSocketAddress>> NAMED =
      AttributeKey.valueOf("corvus.quic.proxyproto.clients");

  private final QueryService queries;
  /** The client last named by each peer's headers; read by the connections' streams too. */
  private final Map<InetSocketAddress, InetSocketAddress> named = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, InetSocketAddress> eldest) {
          return size() > MAX_PEERS;
        }
      });

  ProxyDatagrams(QueryService queries) {
    this.queries = queries;
  }

  /** The client a PROXY header named for datagrams from {@code peer} on {@code udp}, if any. */
  static InetSocketAddress namedClient(Channel udp, InetSocketAddress peer) {
    Map<InetSocketAddress, InetSocketAddress> clients = udp == null ? null : udp.attr(NAMED).get();
    return clients == null ? null : clients.get(peer);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().attr(NAMED).set(named);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Optional<ProxyProtocol> protocol = queries.proxyProtocol(packet.sender());
    if (protocol.isEmpty()) {
      ctx.fireChannelRead(packet);
      return;
    }
    ByteBuf content = packet.content();
    ProxyProtocol.Result result = protocol.get().readDatagram(content.nioBuffer());
    if (result.outcome() != ProxyProtocol.Outcome.ACCEPT) {
      packet.release();
      return;
    }
    if (result.headerLength() == 0) {
      ctx.fireChannelRead(packet);
      return;
    }
    if (result.client().isPresent()) {
      named.put(packet.sender(), result.client().get());
    } else {
      named.remove(packet.sender());
    }
    // The payload goes on in a buffer of its own: with the header skipped in place (the reader
    // index moved past it), Netty 4.2.18's QUIC codec answered nothing.
    int payload = content.readableBytes() - result.headerLength();
    ByteBuf quic = ctx.alloc().directBuffer(payload).writeBytes(content, content.readerIndex() + result.headerLength(), payload);
    DatagramPacket stripped = new DatagramPacket(quic, packet.recipient(), packet.sender());
    packet.release();
    ctx.fireChannelRead(stripped);
  }
}
