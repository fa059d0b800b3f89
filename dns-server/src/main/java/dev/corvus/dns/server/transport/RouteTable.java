package dev.corvus.dns.server.transport;

import dev.corvus.dns.api.listener.ListenerTimeouts;
import dev.corvus.dns.server.proxyproto.ProxyPolicy;
import dev.corvus.dns.server.routing.ZoneRouter;

/**
 * What a listener serves right now: the routes of the current configuration and its in-flight
 * tracker. A reload swaps it atomically.
 *
 * @param router the routes
 * @param inFlight the configuration's in-flight tracker
 * @param proxy the {@code proxyproto} of the blocks served here, or {@code null} when none has it
 * @param timeouts the {@code timeouts} of the blocks served here, which TCP and TLS connections
 *     accepted from now on apply
 */
public record RouteTable(ZoneRouter router, QueryExecutor.InFlight inFlight, ProxyPolicy proxy,
    ListenerTimeouts timeouts) {

  /** Routes without the PROXY protocol, with CoreDNS's default timeouts. */
  public RouteTable(ZoneRouter router, QueryExecutor.InFlight inFlight) {
    this(router, inFlight, null, ListenerTimeouts.DEFAULTS);
  }
}
