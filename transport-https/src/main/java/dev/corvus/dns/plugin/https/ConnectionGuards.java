package dev.corvus.dns.plugin.https;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/** Small handlers every encrypted listener's connections share. */
public final class ConnectionGuards {

  private ConnectionGuards() {}

  /** Closes a connection that stayed idle for its idle timeout ({@link io.netty.handler.timeout.IdleStateHandler}). */
  @ChannelHandler.Sharable
  public static final class IdleCloser extends ChannelInboundHandlerAdapter {
    /** The one instance. */
    public static final IdleCloser INSTANCE = new IdleCloser();

    private IdleCloser() {}

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, event);
      }
    }
  }

  /**
   * Stops reading from a client that does not read its answers: once the connection's outbound
   * buffer passes its high-water mark, its requests wait until the buffer drains.
   */
  @ChannelHandler.Sharable
  public static final class Backpressure extends ChannelInboundHandlerAdapter {
    /** The one instance. */
    public static final Backpressure INSTANCE = new Backpressure();

    private Backpressure() {}

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      ctx.channel().config().setAutoRead(ctx.channel().isWritable());
      super.channelWritabilityChanged(ctx);
    }
  }
}
