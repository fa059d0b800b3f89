package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.listener.Listener;
import dev.corvus.dns.api.listener.ListenerFactory;
import dev.corvus.dns.api.listener.ListenerSpec;
import dev.corvus.dns.api.listener.ProxyProtocol;
import dev.corvus.dns.api.listener.QueryService;
import dev.corvus.dns.server.io.NettyIoLoops;
import dev.corvus.dns.server.proxyproto.PeerProxyProtocol;
import dev.corvus.dns.server.proxyproto.ProxyCounters;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import java.io.IOException;
import dev.corvus.dns.api.plugin.Plugin;
import dev.corvus.dns.api.Transport;
import dev.corvus.dns.api.listener.QueryService.ResponseSink;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A listener of a scheme a plugin provides ({@code https://}, {@code quic://}...): the plugin
 * reads queries in its protocol; the server's {@link QueryExecutor} answers them from the routes
 * of the configuration being served, which a reload swaps.
 */
public final class PluginListener implements BoundListener {

  private final ListenerKey key;
  private final AtomicReference<RouteTable> routes;
  private final Listener listener;

  private PluginListener(ListenerKey key, AtomicReference<RouteTable> routes, Listener listener) {
    this.key = key;
    this.routes = routes;
    this.listener = listener;
  }

  /**
   * Binds the plugin's listener for {@code key}.
   *
   * @param plugins the plugins of the blocks served on {@code key}, where the listener finds
   *     its directive's settings
   *
   * @throws IOException when the plugin cannot bind the address
   */
  public static PluginListener bind(ListenerKey key, ListenerFactory factory, InetSocketAddress address,
      Optional<TlsFiles> tls, List<Plugin> plugins, NettyIoLoops loops, QueryExecutor executor, RouteTable initial)
      throws IOException {
    AtomicReference<RouteTable> routes = new AtomicReference<>(initial);
    // What the listener bound (the requested address until bind returns: port 0 is not known yet).
    AtomicReference<InetSocketAddress> bound = new AtomicReference<>(address);
    ProxyCounters proxyTcp = ProxyCounters.of(executor.metrics(), "tcp");
    ProxyCounters proxyUdp = ProxyCounters.of(executor.metrics(), "udp");
    // The plugin's buffer keeps its position: the executor reads a view of it.
    QueryService queries = new QueryService() {
      @Override
      public void query(ByteBuffer wire, InetSocketAddress client, Transport transport, ResponseSink sink) {
        query(wire, client, bound.get(), transport, sink);
      }

      @Override
      public void query(ByteBuffer wire, InetSocketAddress client, InetSocketAddress local, Transport transport,
          ResponseSink sink) {
        executor.execute(wire.duplicate(), client, local, transport, loops.currentOrNext(), routes::get, sink);
      }

      @Override
      public Optional<ProxyProtocol> proxyProtocol(InetSocketAddress peer) {
        ProxyPolicy policy = routes.get().proxy();
        if (policy == null) {
          return Optional.empty();
        }
        ProxyPolicy.Action action = policy.actionFor(peer.getAddress());
        return action == ProxyPolicy.Action.SKIP
            ? Optional.empty() : Optional.of(new PeerProxyProtocol(action, proxyTcp, proxyUdp));
      }
    };
    Listener listener;
    try {
      listener = factory.bind(new ListenerSpec(address, key.label(), tls, loops, plugins,
          Optional.of(executor.metrics())), queries);
    } catch (RuntimeException e) {
      throw new IOException("cannot listen on " + key.label() + ": " + e.getMessage(), e);
    }
    InetSocketAddress actual = listener.boundAddress();
    if (actual != null) {
      bound.set(actual);
    }
    return new PluginListener(key, routes, listener);
  }

  @Override
  public ListenerKey key() {
    return key;
  }

  @Override
  public void swap(RouteTable table) {
    routes.set(table);
  }

  @Override
  public InetSocketAddress udpAddress() {
    return null;
  }

  @Override
  public InetSocketAddress streamAddress() {
    return listener.boundAddress();
  }

  @Override
  public void stopReading() {
    listener.stopReading();
  }

  @Override
  public void close() {
    listener.close();
  }
}
