package dev.corvus.dns.server.http;

import dev.corvus.dns.api.plugin.HttpEndpoints;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;
import dev.corvus.dns.server.transport.Transports;

/**
 * The server's small HTTP listeners for {@code /health}, {@code /ready}, {@code /metrics} and the admin endpoint. One
 * listener per address, shared by every route registered on it; routes run on a worker executor,
 * never on the I/O thread.
 */
public final class NettyHttpEndpoints implements HttpEndpoints, AutoCloseable {

  private final Transports transports;
  private final EventLoopGroup group;
  private final ExecutorService workers;
  private final UnaryOperator<InetSocketAddress> bindAddress;
  private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();

  /** A bound HTTP listener and the routes its handler reads. */
  private record Listener(Channel channel, Map<String, Registration> routes) {}

  private final class Registration implements Endpoint {
    final InetSocketAddress address;
    final String path;
    final Route route;

    Registration(InetSocketAddress address, String path, Route route) {
      this.address = address;
      this.path = path;
      this.route = route;
    }

    @Override
    public InetSocketAddress boundAddress() {
      synchronized (NettyHttpEndpoints.this) {
        Listener listener = listeners.get(address);
        return listener == null ? address : (InetSocketAddress) listener.channel().localAddress();
      }
    }

    @Override
    public void close() {
      unregister(this);
    }
  }

  /**
   * @param transports the channel types to use
   * @param group the event loop for accepting and reading HTTP connections
   * @param workers where routes run
   */
  public NettyHttpEndpoints(Transports transports, EventLoopGroup group, ExecutorService workers) {
    this(transports, group, workers, UnaryOperator.identity());
  }

  /**
   * Endpoints whose listeners bind {@code bindAddress.apply(address)} instead of the address a
   * plugin asks for, which still identifies the listener (routes asking for one address share
   * it): {@code corvus test} serves them on loopback ephemeral ports.
   */
  public NettyHttpEndpoints(Transports transports, EventLoopGroup group, ExecutorService workers,
      UnaryOperator<InetSocketAddress> bindAddress) {
    this.transports = transports;
    this.group = group;
    this.workers = workers;
    this.bindAddress = bindAddress;
  }

  @Override
  public synchronized Endpoint serve(InetSocketAddress address, String path, Route route) {
    Listener listener = listeners.get(address);
    if (listener == null) {
      listener = bind(address);
      listeners.put(address, listener);
    }
    Registration registration = new Registration(address, path, route);
    listener.routes().put(path, registration);
    return registration;
  }

  /** The bound address of the listener serving {@code path}, if any. */
  public synchronized Optional<InetSocketAddress> boundAddress(String path) {
    for (Listener listener : listeners.values()) {
      if (listener.routes().containsKey(path)) {
        return Optional.of((InetSocketAddress) listener.channel().localAddress());
      }
    }
    return Optional.empty();
  }

  private synchronized void unregister(Registration registration) {
    Listener listener = listeners.get(registration.address);
    if (listener == null || !listener.routes().remove(registration.path, registration)) {
      return;
    }
    if (listener.routes().isEmpty()) {
      listeners.remove(registration.address);
      listener.channel().close().syncUninterruptibly();
    }
  }

  private Listener bind(InetSocketAddress address) {
    Map<String, Registration> routes = new ConcurrentHashMap<>();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transports.serverSocketChannel())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(8192))
                .addLast(new RouteHandler(routes));
          }
        });
    try {
      Channel channel = bootstrap.bind(bindAddress.apply(address)).syncUninterruptibly().channel();
      return new Listener(channel, routes);
    } catch (RuntimeException e) {
      throw new UncheckedIOException(
          new java.io.IOException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e));
    }
  }

  private final class RouteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Map<String, Registration> routes;

    RouteHandler(Map<String, Registration> routes) {
      this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      Registration registration = find(uri.path());
      HttpMethod method = request.method();
      if (registration == null) {
        write(ctx, HttpResponse.text(404, "404 page not found\n"), keepAlive);
        return;
      }
      if (!(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.POST))) {
        write(ctx, HttpResponse.text(405, "method not allowed\n"), keepAlive);
        return;
      }
      Map<String, String> parameters = new HashMap<>();
      uri.parameters().forEach((name, values) -> parameters.put(name, values.isEmpty() ? "" : values.get(0)));
      HttpRequest routed = new HttpRequest(method.name(), uri.path(), parameters,
          (InetSocketAddress) ctx.channel().remoteAddress());
      workers.execute(() -> {
        HttpResponse response;
        try {
          response = registration.route.handle(routed);
        } catch (RuntimeException e) {
          response = HttpResponse.text(500, e.toString() + "\n");
        }
        write(ctx, response, keepAlive);
      });
    }

    /** The route of {@code path}, else that of the nearest enclosing path registered with a trailing slash. */
    private Registration find(String path) {
      Registration exact = routes.get(path);
      if (exact != null) {
        return exact;
      }
      for (int slash = path.lastIndexOf('/'); slash >= 0; slash = path.lastIndexOf('/', slash - 1)) {
        Registration prefix = routes.get(path.substring(0, slash + 1));
        if (prefix != null) {
          return prefix;
        }
        if (slash == 0) {
          break;
        }
      }
      return null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static void write(ChannelHandlerContext ctx, HttpResponse response, boolean keepAlive) {
    FullHttpResponse http = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
        Unpooled.wrappedBuffer(response.body()));
    http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    HttpUtil.setContentLength(http, response.body().length);
    HttpUtil.setKeepAlive(http, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(http);
    } else {
      ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public synchronized void close() {
    for (Listener listener : listeners.values()) {
      listener.channel().close().syncUninterruptibly();
    }
    listeners.clear();
  }
}
