package dev.corvus.dns.server.transport;

import dev.corvus.dns.server.corefile.Scheme;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sockets of one {@link ListenerKey}: UDP and TCP on the same port for {@code dns://}, TCP
 * with TLS for {@code tls://}. Serves whatever {@link RouteTable} is current; a reload swaps it.
 */
public final class DnsListener implements AutoCloseable {

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
      int udpSockets, SslContext tls, QueryExecutor executor, RouteTable initial) throws IOException {
    AtomicReference<RouteTable> routes = new AtomicReference<>(initial);
    InetSocketAddress address = new InetSocketAddress(
        key.host() == null ? wildcard() : key.host(), key.port());
    TcpListener.TcpLimits limits = new TcpListener.TcpLimits(4096, Duration.ofSeconds(10), Duration.ofSeconds(3));
    Exception last = null;
    for (int attempt = 0; attempt < (key.port() == 0 ? BIND_ATTEMPTS : 1); attempt++) {
      UdpListener udp = null;
      try {
        if (key.scheme() == Scheme.DNS) {
          udp = new UdpListener(transports, group, udpSockets, address, executor, routes::get);
          InetSocketAddress tcpAddress = new InetSocketAddress(address.getAddress(), udp.boundAddress().getPort());
          TcpListener tcp = new TcpListener(transports, group, tcpAddress, null, limits, executor, routes::get);
          return new DnsListener(key, routes, udp, tcp);
        }
        TcpListener tcp = new TcpListener(transports, group, address, tls, limits, executor, routes::get);
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

  /** Every address of the host: IPv6's {@code ::} (which also takes IPv4) when IPv6 is up. */
  private static InetAddress wildcard() {
    try {
      var interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces != null && interfaces.hasMoreElements()) {
        NetworkInterface nic = interfaces.nextElement();
        for (var addresses = nic.getInetAddresses(); addresses.hasMoreElements(); ) {
          if (addresses.nextElement() instanceof Inet6Address) {
            return InetAddress.getByName("::");
          }
        }
      }
      return InetAddress.getByName("0.0.0.0");
    } catch (SocketException | java.net.UnknownHostException e) {
      throw new IllegalStateException("cannot determine the wildcard address", e);
    }
  }

  /** The key this listener serves. */
  public ListenerKey key() {
    return key;
  }

  /** Serves {@code table} from the next query on. */
  public void swap(RouteTable table) {
    routes.set(table);
  }

  /** The bound UDP address, or {@code null} for a TLS listener. */
  public InetSocketAddress udpAddress() {
    return udp == null ? null : udp.boundAddress();
  }

  /** The bound TCP address. */
  public InetSocketAddress tcpAddress() {
    return tcp.boundAddress();
  }

  /** Stops taking queries; answers in flight can still be sent until {@link #close}. */
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
