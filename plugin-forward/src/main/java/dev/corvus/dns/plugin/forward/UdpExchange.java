package dev.corvus.dns.plugin.forward;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * One query waiting on a pooled UDP socket ({@link UdpSocket}): the random ID it was sent with,
 * the question its answer must echo, the answer's future and the timer that ends the wait.
 * Confined to the socket's event loop.
 */
final class UdpExchange {

  final int id;
  final Record question;
  final CompletableFuture<Message> result;
  ScheduledFuture<?> timer;

  UdpExchange(int id, Record question, CompletableFuture<Message> result) {
    this.id = id;
    this.question = question;
    this.result = result;
  }

  /** {@code wire} with its ID replaced by this exchange's. */
  byte[] query(byte[] wire) {
    byte[] query = Arrays.copyOf(wire, wire.length);
    query[0] = (byte) (id >>> 8);
    query[1] = (byte) id;
    return query;
  }

  /** Compares address and port, treating IPv4-mapped IPv6 addresses as their IPv4 form. */
  static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
    return a != null && a.getPort() == b.getPort() && unmapped(a.getAddress()).equals(unmapped(b.getAddress()));
  }

  private static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = bytes[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }
}
