package dev.corvus.dns.server.transport;

import dev.corvus.dns.server.routing.ZoneRouter;

/**
 * What a listener serves right now: the routes of the current configuration and its in-flight
 * tracker. A reload swaps it atomically.
 *
 * @param router the routes
 * @param inFlight the configuration's in-flight tracker
 */
public record RouteTable(ZoneRouter router, QueryExecutor.InFlight inFlight) {}
