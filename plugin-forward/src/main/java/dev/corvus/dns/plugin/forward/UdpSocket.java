package dev.corvus.dns.plugin.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One long-lived UDP socket to one upstream, on a random ephemeral port, carrying many queries at
 * once. An answer completes the query waiting under its ID only when it comes from the
 * upstream's address and port and echoes the question (RFC 5452 §9); anything else is dropped
 * and counted, and the query goes on waiting. After {@link UdpLoopSockets} retires the socket it
 * takes no new queries and closes once the last one is answered or timed out. Confined to its
 * event loop: every method runs there.
 */
final class UdpSocket extends SimpleChannelInboundHandler<DatagramPacket> {

  private final Upstream upstream;
  private final UdpLoopSockets owner;
  private final EventLoop loop;
  private final InetSocketAddress target;
  private final long openedNanos;
  private final int maxAnswer;
  private final IntObjectHashMap<UdpExchange> pending = new IntObjectHashMap<>();
  private ChannelFuture bound;
  private int uses;
  private boolean retired;
  /** Whether a flush of the queries written since the last one is queued on the loop. */
  private boolean flushQueued;

  private UdpSocket(Upstream upstream, UdpLoopSockets owner, EventLoop loop, long now, int maxAnswer) {
    this.upstream = upstream;
    this.owner = owner;
    this.loop = loop;
    this.target = upstream.address().address();
    this.openedNanos = now;
    this.maxAnswer = maxAnswer;
  }

  static UdpSocket open(Upstream upstream, UdpLoopSockets owner, UpstreamClient client, EventLoop loop, long now) {
    UdpSocket socket = new UdpSocket(upstream, owner, loop, now, client.maxUdpAnswer());
    socket.bound = client.bindDatagram(loop, socket.target, socket);
    return socket;
  }

  /** Whether a new query may use this socket: not retired, not failed, young enough. */
  boolean takesQueries(long now, int maxUses, long maxAgeNanos) {
    return !retired
        && uses < maxUses
        && now - openedNanos < maxAgeNanos
        && !(bound.isDone() && (!bound.isSuccess() || !bound.channel().isOpen()));
  }

  /** Sends {@code wire} under a random ID free on this socket; {@code result} gets the answer. */
  void send(byte[] wire, Record question, long timeoutNanos, CompletableFuture<Message> result) {
    uses++;
    int id = owner.randomId();
    // Another query waiting under the same ID would make its answer ambiguous: pick another.
    while (pending.containsKey(id)) {
      id = owner.randomId();
    }
    UdpExchange exchange = new UdpExchange(id, question, result);
    pending.put(id, exchange);
    exchange.timer =
        loop.schedule(
            () -> fail(exchange, new UpstreamException.Timeout(upstream.label(), timeoutNanos)),
            timeoutNanos,
            TimeUnit.NANOSECONDS);
    DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(exchange.query(wire)), target);
    if (bound.isDone()) {
      write(exchange, packet);
    } else {
      bound.addListener(f -> write(exchange, packet));
    }
  }

  private void write(UdpExchange exchange, DatagramPacket packet) {
    if (!bound.isSuccess()) {
      packet.release();
      fail(exchange, new UpstreamException(upstream.label() + ": bind failed", bound.cause()));
      return;
    }
    bound
        .channel()
        .write(packet)
        .addListener(
            (ChannelFuture w) -> {
              if (!w.isSuccess()) {
                fail(exchange, new UpstreamException(upstream.label() + ": send failed", w.cause()));
              }
            });
    // The queries of one batch of client queries go out together (one sendmmsg) once the loop has
    // handled that batch.
    if (!flushQueued) {
      flushQueued = true;
      loop.execute(this::flush);
    }
  }

  private void flush() {
    flushQueued = false;
    bound.channel().flush();
  }

  /** The queries waiting for an answer on this socket. */
  int waiting() {
    return pending.size();
  }

  /** Takes no new queries; closes when none is waiting. */
  void retire() {
    retired = true;
    closeIfIdle();
  }

  /** Fails every waiting query with {@code error} and closes the socket. */
  void close(UpstreamException error) {
    retired = true;
    List<UdpExchange> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (UdpExchange exchange : waiting) {
      exchange.timer.cancel(false);
      exchange.result.completeExceptionally(error);
    }
    bound.channel().close();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    if (!UdpExchange.sameEndpoint(packet.sender(), target)) {
      upstream.countDropped("source");
      return;
    }
    ByteBuf content = packet.content();
    if (content.readableBytes() < 12) {
      upstream.countDropped("malformed");
      return;
    }
    UdpExchange exchange = pending.get(content.getUnsignedShort(content.readerIndex()));
    if (exchange == null) {
      upstream.countDropped("id");
      return;
    }
    if (content.readableBytes() >= maxAnswer) {
      // Cut short by the receive buffer: unreadable as a whole, but its header and question are
      // there to check; asked again over TCP like a truncated answer.
      if (!echoesQuestion(content, exchange.question)) {
        upstream.countDropped("question");
        return;
      }
      complete(exchange, cutAnswer(exchange));
      return;
    }
    Message answer;
    try {
      answer = new Message(content.nioBuffer());
    } catch (IOException e) {
      upstream.countDropped("malformed");
      return;
    }
    if (!AnswerCheck.answers(answer, exchange.question)) {
      upstream.countDropped("question");
      return;
    }
    complete(exchange, answer);
  }

  private void complete(UdpExchange exchange, Message answer) {
    pending.remove(exchange.id);
    exchange.timer.cancel(false);
    closeIfIdle();
    exchange.result.complete(answer);
  }

  /**
   * Whether {@code answer} is a response (QR) whose question section is {@code question}'s, the
   * name compared case-insensitively (RFC 5452 §9): what the parsed path checks with {@link
   * AnswerCheck}, read from the raw bytes of an answer too long to parse.
   */
  private static boolean echoesQuestion(ByteBuf answer, Record question) {
    int start = answer.readerIndex();
    byte[] expected = question.toWire(Section.QUESTION);
    if ((answer.getByte(start + 2) & 0x80) == 0 || answer.getUnsignedShort(start + 4) != 1
        || answer.readableBytes() < 12 + expected.length) {
      return false;
    }
    int nameLength = question.getName().length();
    for (int i = 0; i < expected.length; i++) {
      byte actual = answer.getByte(start + 12 + i);
      if (i < nameLength ? asciiLower(actual) != asciiLower(expected[i]) : actual != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static int asciiLower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }

  private static Message cutAnswer(UdpExchange exchange) {
    Message answer = new Message(exchange.id);
    answer.getHeader().setFlag(Flags.QR);
    answer.getHeader().setFlag(Flags.TC);
    answer.addRecord(exchange.question, Section.QUESTION);
    return answer;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    owner.forget(this);
    close(new UpstreamException(upstream.label() + ": socket closed"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The socket is shared: after an error on it, no query can rely on it any more.
    owner.forget(this);
    close(new UpstreamException(upstream.label() + ": " + cause.getMessage(), cause));
  }

  private void fail(UdpExchange exchange, UpstreamException error) {
    if (pending.get(exchange.id) != exchange) {
      return;
    }
    pending.remove(exchange.id);
    exchange.timer.cancel(false);
    closeIfIdle();
    exchange.result.completeExceptionally(error);
  }

  private void closeIfIdle() {
    if (retired && pending.isEmpty()) {
      owner.forget(this);
      bound.channel().close();
    }
  }
}
