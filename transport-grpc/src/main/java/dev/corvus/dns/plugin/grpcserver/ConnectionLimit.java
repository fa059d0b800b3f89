package dev.corvus.dns.plugin.grpcserver;

import dev.corvus.dns.api.metrics.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code grpc_server}'s {@code max_connections}: sits on the listening socket and closes an
 * accepted connection at once while {@code max} others are open, before gRPC sees it (CoreDNS lets
 * it wait in the accept queue instead; closing tells the client to go elsewhere without holding a
 * socket). The limit counts connections until they close, so a client reconnecting after one of
 * its connections ended gets in again.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter.Child rejected;

  /** @param max the most connections open at once; 0 for no limit */
  ConnectionLimit(int max, Counter.Child rejected) {
    this.max = max;
    this.rejected = rejected;
  }

  int open() {
    return open.get();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child) {
      if (max > 0 && open.get() >= max) {
        rejected.inc();
        child.unsafe().closeForcibly();
        return;
      }
      open.incrementAndGet();
      child.closeFuture().addListener(closed -> open.decrementAndGet());
    }
    ctx.fireChannelRead(msg);
  }
}
