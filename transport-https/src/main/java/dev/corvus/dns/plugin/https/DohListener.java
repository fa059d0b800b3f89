package dev.corvus.dns.plugin.https;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.api.listener.QueryService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A bound {@code https://} listener. Limits, as CoreDNS's Go server has them by default: {@code
 * max_connections} connections (200), 250 concurrent HTTP/2 streams per connection, the block's
 * {@code timeouts} (10 s idle, 3 s for a request to arrive once started, 5 s to write an answer
 * by default), 5 s for the TLS handshake, 64 KiB bodies, 8 KiB of request headers; a client
 * that does not read its answers is not read from.
 */
final class DohListener implements Listener {

  /** The URL path of queries (RFC 8484 §6 example, CoreDNS's {@code doh.Path}). */
  static final String PATH = "/dns-query";
  static final int MAX_CONCURRENT_STREAMS = 250;
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_HEADERS = 8192;

  private final ListenerThreads threads;
  private final Channel server;
  private final ChannelGroup connections;
  private final DohService service;

  private DohListener(ListenerThreads threads, Channel server, ChannelGroup connections, DohService service) {
    this.threads = threads;
    this.server = server;
    this.connections = connections;
    this.service = service;
  }

  static DohListener bind(ListenerSpec spec, QueryService queries, HttpsSettings settings) throws IOException {
    SslContext tls = spec.tls().isPresent() ? context(spec.tls().get()) : null;
    ListenerTimeouts timeouts = spec.timeouts();
    long idleMillis = timeouts.idleOrDefault().toMillis();
    long writeMillis = timeouts.writeOrDefault().toMillis();
    DohService service = new DohService(queries, Transport.HTTPS, PATH, timeouts.readOrDefault(), spec.metrics(),
        "https", spec.serverLabel());
    ListenerThreads threads = ListenerThreads.start("corvus-doh", 0);
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(threads.group())
        .channel(threads.serverSocketChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (settings.maxConnections() > 0 && connections.size() >= settings.maxConnections()) {
              ch.close();
              return;
            }
            connections.add(ch);
            ChannelPipeline pipeline = ch.pipeline();
            // proxyproto: the header comes first, before TLS's ClientHello.
            queries.proxyProtocol(ch.remoteAddress())
                .ifPresent(protocol -> pipeline.addLast(new ProxyHeaderHandler(protocol)));
            if (tls != null) {
              SslHandler ssl = tls.newHandler(ch.alloc());
              ssl.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT.toMillis());
              pipeline.addLast(ssl);
            }
            pipeline.addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                .addLast(ConnectionGuards.IdleCloser.INSTANCE)
                .addLast(new WriteTimeoutHandler(writeMillis, TimeUnit.MILLISECONDS))
                .addLast(ConnectionGuards.Backpressure.INSTANCE);
            if (tls != null) {
              pipeline.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                  if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(ctx.pipeline(), service);
                  } else {
                    http1(ctx.pipeline(), service);
                  }
                }

                @Override
                protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                  ctx.close(); // a TLS failure is the client's; nothing to log per connection
                }
              });
            } else {
              http1(pipeline, service);
            }
          }
        });
    Channel server;
    try {
      server = bootstrap.bind(spec.address()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      threads.stop();
      throw new IOException("cannot listen on " + spec.serverLabel() + ": " + e.getMessage(), e);
    }
    return new DohListener(threads, server, connections, service);
  }

  static void http1(ChannelPipeline pipeline, DohService service) {
    // Answers to the pipelined requests of one read are flushed together: one TLS record and one
    // send() for many, instead of one each.
    pipeline.addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
        .addLast(new RequestDeadline(service.requestDeadline()))
        .addLast(new HttpServerCodec(MAX_HEADERS, MAX_HEADERS, MAX_HEADERS))
        .addLast(new DohAggregator(service))
        .addLast(new DohHandler(service, ProxyHeaderHandler::client,
            ch -> (InetSocketAddress) ch.localAddress(), false));
  }

  static void http2(ChannelPipeline pipeline, DohService service) {
    Http2Settings settings = Http2Settings.defaultSettings()
        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
        .maxHeaderListSize(MAX_HEADERS);
    pipeline.addLast(Doh2Handler.create(service, settings, ProxyHeaderHandler::client));
  }

  /** A server TLS context offering HTTP/2 and HTTP/1.1 by ALPN (CoreDNS's NextProtos). */
  static SslContext context(TlsFiles files) throws IOException {
    try {
      SslContextBuilder builder = SslContextBuilder
          .forServer(files.certificate().orElseThrow().toFile(), files.key().orElseThrow().toFile())
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
      if (files.ca().isPresent()) {
        builder.trustManager(files.ca().get().toFile());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot load the certificate " + files.certificate().orElseThrow() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void stopReading() {
    // No new connections; requests on open ones get 503 so that clients move on at once.
    server.close().syncUninterruptibly();
    service.stop();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    threads.stop();
  }
}
