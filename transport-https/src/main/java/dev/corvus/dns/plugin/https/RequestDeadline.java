package dev.corvus.dns.plugin.https;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.1 connection whose client started a request but did not finish it in time
 * (slowloris: a byte now and then keeps the idle timeout from firing while holding a
 * connection). The clock starts with the first bytes after the previous request was read.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {

  private final long deadlineNanos;
  private ScheduledFuture<?> timer;

  RequestDeadline(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (timer == null) {
      timer = ctx.executor().schedule(() -> {
        ctx.close();
      }, deadlineNanos, TimeUnit.NANOSECONDS);
    }
    super.channelRead(ctx, msg);
  }

  /** A whole request was read: the clock stops until more bytes come. */
  void requestRead() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    requestRead();
    super.channelInactive(ctx);
  }
}
