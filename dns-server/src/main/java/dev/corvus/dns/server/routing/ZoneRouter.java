package dev.corvus.dns.server.routing;

import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The routes of one listener, longest zone first: a query goes to the server block whose zone is
 * the longest suffix of its name (CoreDNS semantics).
 */
public final class ZoneRouter {

  private final ServerRoute[] routes;

  /** @param routes the routes of every server block bound to the listener */
  public ZoneRouter(List<ServerRoute> routes) {
    this.routes = routes.stream()
        .sorted(Comparator.comparingInt((ServerRoute r) -> r.zone().labels()).reversed())
        .toArray(ServerRoute[]::new);
  }

  /** The route for {@code qname}, or {@code null} when no zone contains it (REFUSED). */
  public ServerRoute route(Name qname) {
    for (ServerRoute route : routes) {
      if (route.accepts(qname)) {
        return route;
      }
    }
    return null;
  }

  /** The routes, longest zone first. */
  public List<ServerRoute> routes() {
    return List.of(routes);
  }
}
