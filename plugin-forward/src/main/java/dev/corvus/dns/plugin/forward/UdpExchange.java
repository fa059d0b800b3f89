package dev.corvus.dns.plugin.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * One query over UDP on its own socket: sends the datagram and completes with the first answer
 * that comes from the upstream's address and port, carries the query's ID and echoes its
 * question. Anything else is dropped and counted; the exchange goes on waiting.
 */
final class UdpExchange extends SimpleChannelInboundHandler<DatagramPacket> {

  private final Upstream upstream;
  private final int id;
  private final Record question;
  private final CompletableFuture<Message> result;

  private UdpExchange(Upstream upstream, int id, Record question, CompletableFuture<Message> result) {
    this.upstream = upstream;
    this.id = id;
    this.question = question;
    this.result = result;
  }

  /**
   * Sends {@code wire} (whose ID is replaced by a random one) to {@code upstream}.
   *
   * @return the answer; completes exceptionally with {@link UpstreamException.Timeout} after
   *     {@code timeoutNanos}
   */
  static CompletableFuture<Message> send(
      UpstreamClient client, Upstream upstream, byte[] wire, Record question, long timeoutNanos) {
    CompletableFuture<Message> result = new CompletableFuture<>();
    int id = client.randomId();
    byte[] query = Arrays.copyOf(wire, wire.length);
    query[0] = (byte) (id >>> 8);
    query[1] = (byte) id;
    InetSocketAddress target = upstream.address().address();
    ChannelFuture bound = client.bindDatagram(target, new UdpExchange(upstream, id, question, result));
    Channel channel = bound.channel();
    var timer =
        client.schedule(
            () -> result.completeExceptionally(new UpstreamException.Timeout(upstream.label(), timeoutNanos)),
            timeoutNanos);
    result.whenComplete((answer, error) -> {
      timer.cancel(false);
      channel.close();
    });
    bound.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(new UpstreamException(upstream.label() + ": bind failed", f.cause()));
            return;
          }
          f.channel()
              .writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(query), target))
              .addListener(
                  (ChannelFuture w) -> {
                    if (!w.isSuccess()) {
                      result.completeExceptionally(
                          new UpstreamException(upstream.label() + ": send failed", w.cause()));
                    }
                  });
        });
    return result;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    if (!sameEndpoint(packet.sender(), upstream.address().address())) {
      upstream.countDropped("source");
      return;
    }
    ByteBuf content = packet.content();
    if (content.readableBytes() < 12) {
      upstream.countDropped("malformed");
      return;
    }
    if (content.getUnsignedShort(content.readerIndex()) != id) {
      upstream.countDropped("id");
      return;
    }
    Message answer;
    try {
      answer = new Message(ByteBufUtil.getBytes(content));
    } catch (IOException e) {
      upstream.countDropped("malformed");
      return;
    }
    if (!AnswerCheck.answers(answer, question)) {
      upstream.countDropped("question");
      return;
    }
    result.complete(answer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    result.completeExceptionally(new UpstreamException(upstream.label() + ": " + cause.getMessage(), cause));
  }

  /** Compares address and port, treating IPv4-mapped IPv6 addresses as their IPv4 form. */
  static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
    return a != null && a.getPort() == b.getPort() && unmapped(a.getAddress()).equals(unmapped(b.getAddress()));
  }

  private static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = bytes[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }
}
