package dev.corvus.dns.server.transport;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code proxyproto}'s {@code udp_session_tracking}, for balancers that send the PROXY header in
 * a datagram of its own and the queries after it without one (Cloudflare Spectrum): the client a
 * header named, per balancer address, for a time refreshed by every datagram that uses it, at most
 * {@code max} balancer addresses (the least recently used goes). One per UDP socket, used on its
 * event loop only: the kernel sends one balancer address's datagrams to one socket.
 */
final class UdpSessions {

  private record Session(InetSocketAddress client, long expiresAt) {}

  private final LinkedHashMap<InetSocketAddress, Session> sessions = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Session> eldest) {
      return size() > max;
    }
  };
  private int max = 1;

  /** Remembers that {@code peer} speaks for {@code client} until {@code now + ttlNanos}. */
  void remember(InetSocketAddress peer, InetSocketAddress client, long now, long ttlNanos, int maxSessions) {
    max = maxSessions;
    sessions.put(peer, new Session(client, now + ttlNanos));
  }

  /** The client {@code peer} last named, its time refreshed; {@code null} when none or expired. */
  InetSocketAddress client(InetSocketAddress peer, long now, long ttlNanos) {
    Session session = sessions.get(peer);
    if (session == null) {
      return null;
    }
    if (now - session.expiresAt() >= 0) {
      sessions.remove(peer);
      return null;
    }
    sessions.put(peer, new Session(session.client(), now + ttlNanos));
    return session.client();
  }

  /** How many balancer addresses are remembered. */
  int size() {
    return sessions.size();
  }
}
