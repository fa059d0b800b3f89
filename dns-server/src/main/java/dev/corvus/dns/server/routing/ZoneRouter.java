package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.Request;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.xbill.DNS.Name;

/**
 * The routes of one listener, longest zone first: a query goes to the server block whose zone is
 * the longest suffix of its name (CoreDNS semantics). Blocks with a view may share a zone; they
 * keep their Corefile order among themselves, and the first whose view admits a query serves it.
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

  /**
   * The route after {@code previous} that accepts {@code qname}: the next block of the same zone
   * in Corefile order, then those of shorter zones; {@code null} when none is left. The server
   * asks for it when the view of {@code previous} did not admit the query.
   */
  public ServerRoute next(ServerRoute previous, Name qname) {
    int i = 0;
    while (i < routes.length && routes[i] != previous) {
      i++;
    }
    for (i++; i < routes.length; i++) {
      if (routes[i].accepts(qname)) {
        return routes[i];
      }
    }
    return null;
  }

  /**
   * The route that serves a query for {@code qname}, views considered: the first route accepting
   * the name whose view (if any) admits the request {@code requests} makes for it. A request is
   * made for each candidate, since its zone and server are the block's.
   *
   * @return the route and its request, or {@code null} when no block serves the query (REFUSED)
   */
  public Selected select(Name qname, Function<ServerRoute, Request> requests) {
    ServerRoute route = route(qname);
    while (route != null) {
      Request request = requests.apply(route);
      if (route.view() == null || route.view().admits(request)) {
        return new Selected(route, request);
      }
      route = next(route, qname);
    }
    return null;
  }

  /**
   * A route chosen for a query.
   *
   * @param route the route
   * @param request the query as its block sees it
   */
  public record Selected(ServerRoute route, Request request) {}

  /** The routes, longest zone first. */
  public List<ServerRoute> routes() {
    return List.of(routes);
  }
}
