package dev.corvus.dns.server.transport;

import dev.corvus.dns.server.corefile.Scheme;
import dev.corvus.dns.server.io.NettyIoLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sockets of one {@link ListenerKey}: UDP and TCP on the same port for {@code dns://}, TCP
 * with TLS for {@code tls://}. Serves whatever {@link RouteTable} is current; a reload swaps it.
 */
public final class DnsListener implements BoundListener {

  private static final int BIND_ATTEMPTS = 5;

  private final ListenerKey key;
  private final AtomicReference<RouteTable> routes;
  private final UdpListener udp;
  private final TcpListener tcp;

  private DnsListener(ListenerKey key, AtomicReference<RouteTable> routes, UdpListener udp, TcpListener tcp) {
    this.key = key;
    this.routes = routes;
    this.udp = udp;
    this.tcp = tcp;
  }

  /**
   * Binds the sockets of {@code key}. For port 0, UDP picks a free port and TCP binds the same.
   *
   * @param tls the TLS context for {@code tls://}, else {@code null}
   * @param initial the routes to serve from the first query on
   * @throws IOException when the address cannot be bound
   */
  public static DnsListener bind(ListenerKey key, Transports transports, EventLoopGroup group,
      NettyIoLoops loops, int udpSockets, SslContext tls, QueryExecutor executor, RouteTable initial)
      throws IOException {
    AtomicReference<RouteTable> routes = new AtomicReference<>(initial);
    InetSocketAddress address = key.bindAddress();
    // The timeouts come with the routes (the blocks' timeouts directives), per connection.
    TcpListener.TcpLimits limits = new TcpListener.TcpLimits(4096);
    Exception last = null;
    for (int attempt = 0; attempt < (key.port() == 0 ? BIND_ATTEMPTS : 1); attempt++) {
      UdpListener udp = null;
      try {
        if (key.scheme() == Scheme.DNS) {
          udp = new UdpListener(transports, group, loops, udpSockets, address, executor, routes::get);
          InetSocketAddress tcpAddress = new InetSocketAddress(address.getAddress(), udp.boundAddress().getPort());
          TcpListener tcp = new TcpListener(transports, group, loops, tcpAddress, null, limits, executor, routes::get);
          return new DnsListener(key, routes, udp, tcp);
        }
        TcpListener tcp = new TcpListener(transports, group, loops, address, tls, limits, executor, routes::get);
        return new DnsListener(key, routes, null, tcp);
      } catch (Exception e) {
        // Netty rethrows bind failures (a checked NativeIoException among them) without declaring them.
        if (udp != null) {
          udp.close();
        }
        last = e;
      }
    }
    throw new IOException("cannot listen on " + key.label() + ": " + last.getMessage(), last);
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
    return udp == null ? null : udp.boundAddress();
  }

  @Override
  public InetSocketAddress streamAddress() {
    return tcp.boundAddress();
  }

  @Override
  public void stopReading() {
    if (udp != null) {
      udp.stopReading();
    }
    tcp.stopReading();
  }

  @Override
  public void close() {
    if (udp != null) {
      udp.close();
    }
    tcp.close();
  }
}
