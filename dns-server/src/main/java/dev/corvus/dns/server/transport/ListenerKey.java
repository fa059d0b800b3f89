package dev.corvus.dns.server.transport;

import dev.corvus.dns.server.corefile.Scheme;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * A socket address the Corefile asks to listen on.
 *
 * @param scheme {@code dns} (UDP and TCP) or {@code tls} (TCP with TLS)
 * @param host the bind address, or {@code null} for every address
 * @param port the port as configured (0: a free port chosen at bind time)
 */
public record ListenerKey(Scheme scheme, InetAddress host, int port) {

  /** CoreDNS's {@code server} label, e.g. {@code dns://:53} or {@code dns://127.0.0.1:53}. */
  public String label() {
    String address = host == null ? "" : host.getHostAddress();
    if (host instanceof Inet6Address) {
      address = "[" + address + "]";
    }
    return scheme.prefix() + "://" + address + ":" + port;
  }

  /** The address to bind: the host, or every address of the machine when none is named. */
  public InetSocketAddress bindAddress() {
    return new InetSocketAddress(host == null ? wildcard() : host, port);
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
}
