package dev.corvus.dns.plugin.https;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Gathers a request's body up to the largest DNS message; a larger one is answered {@code 413}
 * by Netty (and the connection or stream closed) and counted here.
 */
public final class DohAggregator extends HttpObjectAggregator {

  private final DohService service;

  /** @param service where the 413 is counted */
  public DohAggregator(DohService service) {
    super(DohRequest.MAX_MESSAGE);
    this.service = service;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
    service.count(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    super.handleOversizedMessage(ctx, oversized);
  }
}
