package dev.corvus.dns.server.proxyproto;

import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.api.plugin.Plugin;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A server block's {@code proxyproto}: which peers may name the client with a PROXY protocol
 * header, and what happens with the others. Nothing in the chain; the listeners read it.
 *
 * @param allow the peers (load balancers) whose headers are used; empty: every peer
 * @param fallback what happens with peers outside {@code allow}
 * @param fallbackSet whether {@code default} was written: without {@code allow} it then applies
 *     to every peer, as in CoreDNS
 * @param udpSessionTtl {@code udp_session_tracking}'s duration: how long a UDP header names the
 *     client of the balancer address's later datagrams without one; zero: not at all
 * @param udpMaxSessions balancer addresses remembered at most for {@code udpSessionTtl}
 */
public record ProxyPolicy(List<Cidr> allow, Action fallback, boolean fallbackSet, Duration udpSessionTtl,
    int udpMaxSessions) implements Plugin {

  /** CoreDNS's default cap of {@code udp_session_tracking}'s sessions. */
  public static final int DEFAULT_MAX_SESSIONS = 10240;

  /** CoreDNS's (go-proxyproto's) policies. */
  public enum Action {
    /** A header, when one comes, names the client. */
    USE,
    /** A header, when one comes, is read and dropped; the peer stays the client. */
    IGNORE,
    /** A connection or datagram with a header is refused; one without is served. */
    REJECT,
    /** No PROXY processing at all: header bytes, if any, are read as DNS. */
    SKIP
  }

  /** Copies {@code allow}. */
  public ProxyPolicy {
    allow = List.copyOf(allow);
  }

  /** A policy without UDP session tracking. */
  public ProxyPolicy(List<Cidr> allow, Action fallback, boolean fallbackSet) {
    this(allow, fallback, fallbackSet, Duration.ZERO, DEFAULT_MAX_SESSIONS);
  }

  /** What to do with a connection or datagram from {@code peer}. */
  public Action actionFor(InetAddress peer) {
    if (allow.isEmpty()) {
      return fallbackSet ? fallback : Action.USE;
    }
    for (Cidr network : allow) {
      if (network.contains(peer)) {
        return Action.USE;
      }
    }
    return fallback;
  }
}
