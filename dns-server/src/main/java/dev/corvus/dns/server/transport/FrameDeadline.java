package dev.corvus.dns.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a TCP connection whose client started a length-prefixed message but did not finish it
 * in time (slowloris: a byte now and then keeps the idle timeout from firing while holding a
 * connection slot). Follows the two-byte framing of RFC 1035 §4.2.2 on the bytes as they pass.
 * The first query's clock starts when the connection opens, as CoreDNS's read timeout bounds the
 * wait for the first query (later ones wait up to the idle timeout).
 */
final class FrameDeadline extends ChannelInboundHandlerAdapter {

  private final long deadlineNanos;
  private int headerBytes;
  private int frameRemaining;
  private boolean inFrame;
  private ScheduledFuture<?> timer;

  FrameDeadline(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buffer) {
      track(ctx, buffer.readableBytes(), buffer, buffer.readerIndex());
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    startFrame(ctx);
    super.channelActive(ctx);
  }

  private void startFrame(ChannelHandlerContext ctx) {
    inFrame = true;
    headerBytes = 0;
    frameRemaining = 0;
    timer = ctx.executor().schedule(() -> {
      if (inFrame) {
        ctx.close();
      }
    }, deadlineNanos, TimeUnit.NANOSECONDS);
  }

  private void track(ChannelHandlerContext ctx, int length, ByteBuf buffer, int offset) {
    int index = offset;
    int end = offset + length;
    while (index < end) {
      if (!inFrame) {
        startFrame(ctx);
      }
      if (headerBytes < 2) {
        frameRemaining = (frameRemaining << 8) | buffer.getUnsignedByte(index);
        headerBytes++;
        index++;
      } else {
        int take = Math.min(frameRemaining, end - index);
        frameRemaining -= take;
        index += take;
      }
      if (headerBytes == 2 && frameRemaining == 0) {
        inFrame = false;
        timer.cancel(false);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timer != null) {
      timer.cancel(false);
    }
    super.channelInactive(ctx);
  }
}
