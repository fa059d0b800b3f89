package dev.corvus.dns.plugin.quic;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.listener.QueryService;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The {@code quic://} scheme: DNS over QUIC (RFC 9250), ALPN {@code doq}. Needs the block's
 * {@code tls}. Limits: {@code quic}'s {@code max_streams} per connection and {@code
 * worker_pool_size} at once, 200 connections, 10 s idle, 3 s for a stream's query, 64 KiB per
 * stream and 1 MiB per connection of unread data.
 */
@AutoService(ListenerFactory.class)
public final class DoqListenerFactory implements ListenerFactory {

  @Override
  public String scheme() {
    return "quic";
  }

  @Override
  public boolean requiresTls() {
    return true;
  }

  @Override
  public Listener bind(ListenerSpec spec, QueryService queries) throws IOException {
    QuicSettings settings = spec.plugin(QuicSettings.class).orElse(QuicSettings.DEFAULTS);
    // CoreDNS's timeouts for DoQ: read bounds a stream's query, idle the QUIC connection.
    ListenerTimeouts timeouts = spec.timeouts();
    DoqService service = new DoqService(queries, settings.workerPoolSize(), timeouts.readOrDefault(), spec.metrics(),
        spec.serverLabel());
    QuicEndpoint.ConnectionLimit limit = new QuicEndpoint.ConnectionLimit(QuicEndpoint.MAX_CONNECTIONS,
        DoqCode.EXCESSIVE_LOAD.code, () -> service.count(DoqCode.EXCESSIVE_LOAD));
    QuicEndpoint endpoint = QuicEndpoint.bind(spec, queries, "corvus-doq", new String[] {"doq"}, tls -> new QuicServerCodecBuilder()
        .sslContext(tls)
        .maxIdleTimeout(timeouts.idleOrDefault().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(1 << 20)
        .initialMaxStreamDataBidirectionalRemote(2 + 65535)
        .initialMaxStreamsBidirectional(settings.maxStreams())
        .initialMaxStreamsUnidirectional(0)
        .handler(new ChannelInitializer<QuicChannel>() {
          @Override
          protected void initChannel(QuicChannel connection) {
            connection.pipeline().addLast(limit);
          }
        })
        .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
          @Override
          protected void initChannel(QuicStreamChannel stream) {
            stream.pipeline().addLast(new DoqStream(service));
          }
        })
        .build());
    return new Listener() {
      @Override
      public InetSocketAddress boundAddress() {
        return endpoint.boundAddress();
      }

      @Override
      public void stopReading() {
        service.stopped = true;
      }

      @Override
      public void close() {
        endpoint.close();
      }
    };
  }
}
