package dev.corvus.dns.plugin.route53;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.testkit.RecordedHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the Route 53 API on loopback that replays recorded responses (the XML the API
 * documents, in src/test/resources/route53): ListHostedZonesByName and ListResourceRecordSets,
 * page by page as the request's start name, type and identifier ask. It can be told to fail (503
 * ServiceUnavailable), and counts the listings so tests wait for a refresh instead of sleeping.
 */
final class RecordedRoute53 implements AutoCloseable {

  private final HttpServer server;
  /** hosted zone ID -> (start key -> recorded page); the first page's key is "". */
  private final Map<String, Map<String, String>> pages = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final Semaphore listings = new Semaphore(0);
  private volatile boolean failing;

  RecordedRoute53() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/2013-04-01/", this::serve);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Serves {@code id}'s record sets from one recorded page. */
  RecordedRoute53 zone(String id, String resource) {
    return pagedZone(id, Map.of("", resource));
  }

  /** Serves {@code id}'s record sets from recorded pages, keyed by "NAME|TYPE[|IDENTIFIER]". */
  RecordedRoute53 pagedZone(String id, Map<String, String> startToResource) {
    Map<String, String> bodies = new HashMap<>();
    startToResource.forEach((start, resource) -> bodies.put(start, recorded(resource)));
    pages.put(id, bodies);
    return this;
  }

  void failing(boolean fail) {
    this.failing = fail;
  }

  /** Every request as "GET path?query", in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The Authorization header of every request, in order. */
  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** Waits until {@code count} more ListResourceRecordSets requests were answered. */
  boolean awaitListings(int count, long seconds) throws InterruptedException {
    return listings.tryAcquire(count, seconds, TimeUnit.SECONDS);
  }

  /** Forgets the listings counted so far. */
  void drainListings() {
    listings.drainPermits();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(String.valueOf(auth));
      if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
        respond(exchange, 403, "<ErrorResponse><Error><Code>MissingAuthenticationToken</Code></Error></ErrorResponse>");
        return;
      }
      Map<String, String> params = RecordedHttp.queryParameters(query);
      if (path.equals("/2013-04-01/hostedzonesbyname")) {
        String id = params.get("hostedzoneid");
        if (!pages.containsKey(id)) {
          respond(exchange, 404, recorded("no-such-hosted-zone.xml").replace("{ID}", String.valueOf(id)));
          return;
        }
        respond(exchange, 200, recorded("hostedzonesbyname.xml").replace("{ID}", id)
            .replace("{NAME}", params.getOrDefault("dnsname", "")));
        return;
      }
      String prefix = "/2013-04-01/hostedzone/";
      if (path.startsWith(prefix) && path.endsWith("/rrset")) {
        String id = path.substring(prefix.length(), path.length() - "/rrset".length());
        try {
          if (failing) {
            respond(exchange, 503, recorded("service-unavailable.xml"));
            return;
          }
          Map<String, String> zone = pages.get(id);
          if (zone == null) {
            respond(exchange, 404, recorded("no-such-hosted-zone.xml").replace("{ID}", id));
            return;
          }
          String start = params.containsKey("name")
              ? params.get("name") + "|" + params.get("type")
                  + (params.containsKey("identifier") ? "|" + params.get("identifier") : "")
              : "";
          String body = zone.get(start);
          if (body == null) {
            respond(exchange, 400, "<ErrorResponse><Error><Code>InvalidInput</Code><Message>unexpected start "
                + start + "</Message></Error></ErrorResponse>");
            return;
          }
          respond(exchange, 200, body);
        } finally {
          listings.release();
        }
        return;
      }
      respond(exchange, 404, "<ErrorResponse><Error><Code>NotFound</Code></Error></ErrorResponse>");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    RecordedHttp.respond(exchange, status, body, Map.of("Content-Type", "text/xml", "x-amzn-RequestId", "recorded"));
  }

  static String recorded(String resource) {
    return RecordedHttp.resource("/route53/" + resource);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
