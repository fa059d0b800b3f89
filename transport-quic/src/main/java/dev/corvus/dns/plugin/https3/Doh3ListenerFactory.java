package dev.corvus.dns.plugin.https3;

import com.google.auto.service.AutoService;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.plugin.https.DohAggregator;
import dev.corvus.dns.plugin.https.DohHandler;
import dev.corvus.dns.plugin.https.DohService;
import dev.corvus.dns.plugin.quic.QuicEndpoint;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3FrameToHttpObjectCodec;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The {@code https3://} scheme: DNS over HTTPS on HTTP/3 (RFC 8484 over RFC 9114), ALPN {@code
 * h3}, the same requests, answers and errors as {@code https://}. Needs the block's {@code tls}.
 * Limits: {@code https3}'s {@code max_streams} and {@code max_connections}, 10 s idle, 3 s for a
 * request, 64 KiB bodies.
 */
@AutoService(ListenerFactory.class)
public final class Doh3ListenerFactory implements ListenerFactory {

  /** QUIC's stream limit when {@code max_streams} is 0 (quic-go's default, which CoreDNS then uses). */
  private static final int QUIC_DEFAULT_STREAMS = 100;

  @Override
  public String scheme() {
    return "https3";
  }

  @Override
  public boolean requiresTls() {
    return true;
  }

  @Override
  public Listener bind(ListenerSpec spec, QueryService queries) throws IOException {
    Https3Settings settings = spec.plugin(Https3Settings.class).orElse(Https3Settings.DEFAULTS);
    ListenerTimeouts timeouts = spec.timeouts();
    DohService service = new DohService(queries, Transport.HTTPS3, "/dns-query", timeouts.readOrDefault(),
        spec.metrics(), "https3", spec.serverLabel());
    QuicEndpoint.ConnectionLimit limit = new QuicEndpoint.ConnectionLimit(settings.maxConnections(),
        Http3ErrorCode.H3_EXCESSIVE_LOAD.code(), () -> { });
    int streams = settings.maxStreams() > 0 ? settings.maxStreams() : QUIC_DEFAULT_STREAMS;
    Duration idle = timeouts.idleOrDefault();
    QuicEndpoint endpoint = QuicEndpoint.bind(spec, queries, "corvus-doh3", Http3.supportedApplicationProtocols(),
        tls -> Http3.newQuicServerCodecBuilder()
            .sslContext(tls)
            .maxIdleTimeout(idle.toMillis(), TimeUnit.MILLISECONDS)
            .initialMaxData(1 << 20)
            .initialMaxStreamDataBidirectionalRemote(1 << 17)
            .initialMaxStreamsBidirectional(streams)
            .handler(new ChannelInitializer<QuicChannel>() {
              @Override
              protected void initChannel(QuicChannel connection) {
                connection.pipeline().addLast(limit).addLast(new Http3ServerConnectionHandler(
                    new ChannelInitializer<QuicStreamChannel>() {
                      @Override
                      protected void initChannel(QuicStreamChannel stream) {
                        stream.pipeline()
                            .addLast(new Http3FrameToHttpObjectCodec(true))
                            .addLast(new DohAggregator(service))
                            .addLast(new DohHandler(service, QuicEndpoint::client, true));
                      }
                    }));
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
        service.stop();
      }

      @Override
      public void close() {
        endpoint.close();
      }
    };
  }
}
