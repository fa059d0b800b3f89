package dev.corvus.dns.plugin.grpc;

import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.plugin.PluginContext;
import dev.corvus.dns.grpc.pb.DnsService;
import io.grpc.ManagedChannel;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One {@code grpc} directive: its handler, and from {@link #start} on a gRPC channel per upstream
 * on the plugin's own event loop (grpc-java's HTTP/2 client cannot use the server's loops, which
 * carry DNS framing only). Calls are asynchronous; their callbacks hand the answer back to the
 * query's own I/O loop.
 */
final class GrpcPlugin implements Plugin {

  private final GrpcConfig config;
  private final GrpcHandler handler;
  private final GrpcMetrics metrics;
  private EventLoopGroup group;
  private List<Upstream> upstreams = List.of();

  GrpcPlugin(GrpcConfig config, PluginContext context) {
    this.config = config;
    this.metrics = new GrpcMetrics(context.metrics());
    this.handler = new GrpcHandler(config, metrics, context.ticker());
  }

  @Override
  public Optional<Handler> handler() {
    return Optional.of(handler);
  }


  @Override
  public CompletionStage<Void> start() {
    boolean unix = config.upstreams().stream().anyMatch(u -> u.unix() != null);
    if (unix && !Epoll.isAvailable()) {
      throw new IllegalStateException("grpc: unix:// upstreams need Linux's epoll, which is not available here");
    }
    boolean epoll = unix || (!"nio".equals(System.getProperty("corvus.transport")) && Epoll.isAvailable());
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(Math.min(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("corvus-grpc-client", true), io);
    List<Upstream> started = new ArrayList<>();
    for (UpstreamAddress address : config.upstreams()) {
      started.add(new Upstream(address, channel(address, epoll), metrics.requests.labels(address.label()),
          metrics.duration.labels(address.label())));
    }
    upstreams = List.copyOf(started);
    handler.started(upstreams);
    return STARTED;
  }

  private ManagedChannel channel(UpstreamAddress address, boolean epoll) {
    NettyChannelBuilder builder;
    if (address.unix() != null) {
      builder = NettyChannelBuilder.forAddress(new DomainSocketAddress(address.unix().toString()))
          .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
          .overrideAuthority("localhost");
    } else {
      builder = NettyChannelBuilder.forAddress(address.inet())
          .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class, InetSocketAddress.class);
    }
    builder.eventLoopGroup(group)
        .directExecutor()
        .maxInboundMessageSize(DnsService.MAX_PACKET_BYTES);
    if (config.tls().isPresent()) {
      builder.negotiationType(NegotiationType.TLS).sslContext(config.tls().get());
      config.serverName().ifPresent(builder::overrideAuthority);
    } else {
      builder.usePlaintext();
    }
    return builder.build();
  }

  @Override
  public void stop() {
    handler.started(null);
    for (Upstream upstream : upstreams) {
      upstream.channel().shutdownNow();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }
}
