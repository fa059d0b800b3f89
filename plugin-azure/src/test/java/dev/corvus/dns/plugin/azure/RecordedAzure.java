package dev.corvus.dns.plugin.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.corvus.dns.testkit.RecordedHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for Azure on loopback that replays recorded responses (JSON shaped as Azure's REST
 * API documents it, in src/test/resources/azure): the Microsoft Entra token endpoint a client
 * secret signs in at, and the record-set listings of public ({@code dnsZones/ZONE/recordsets},
 * API 2018-05-01) and private zones ({@code privateDnsZones/ZONE/ALL}, API 2024-06-01), page by
 * page through {@code nextLink}. HTTPS with the test key store (the identity library refuses any
 * other authority); tests trust it through the JVM's trust store, which the pom sets. It can be
 * told to fail (403 AuthorizationFailed), and counts the listings so tests wait for a refresh
 * instead of sleeping.
 */
final class RecordedAzure implements AutoCloseable {

  static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  static final String CLIENT = "0b7d6c4e-2f3a-4c1d-9e8f-5a6b7c8d9e0f";
  static final String SECRET = "recorded-secret";
  static final String SUBSCRIPTION = "3d5c7f2a-1b4e-4c9d-8a7f-6e5d4c3b2a19";

  private static final Pattern LISTING = Pattern.compile(
      "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.Network/(dnsZones|privateDnsZones)/([^/]+)/(recordsets|ALL)");

  private final HttpsServer server;
  /** "dnsZones|privateDnsZones/RG/ZONE" (lower case) -> (skip token -> recorded page); the first page's key is "". */
  private final Map<String, Map<String, String>> pages = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
  private final Semaphore listings = new Semaphore(0);
  private final AtomicInteger issued = new AtomicInteger();
  private volatile boolean failing;

  RecordedAzure() throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
    server.createContext("/", this::serve);
    server.start();
  }

  URI endpoint() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /**
   * An Azure Stack environment file (go-autorest's format) whose Resource Manager and Microsoft
   * Entra endpoints are this server.
   */
  Path environmentFile(Path dir) throws IOException {
    return Files.writeString(dir.resolve("azure-environment.json"), recorded("environment.json")
        .replace("{ENDPOINT}", endpoint().toString()));
  }

  /** Serves the public zone {@code zone} of {@code group} from recorded pages, the first keyed "". */
  RecordedAzure publicZone(String group, String zone, Map<String, String> skipTokenToResource) {
    return zone("dnsZones", group, zone, skipTokenToResource);
  }

  /** Serves the private zone {@code zone} of {@code group} from recorded pages, the first keyed "". */
  RecordedAzure privateZone(String group, String zone, Map<String, String> skipTokenToResource) {
    return zone("privateDnsZones", group, zone, skipTokenToResource);
  }

  private RecordedAzure zone(String kind, String group, String zone, Map<String, String> skipTokenToResource) {
    Map<String, String> bodies = new HashMap<>();
    skipTokenToResource.forEach((token, resource) -> bodies.put(token, recorded(resource)));
    pages.put(key(kind, group, zone), bodies);
    return this;
  }

  void failing(boolean fail) {
    this.failing = fail;
  }

  /** Every API request as "GET path?query", in order (token requests not included). */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The form of every token request, decoded, and its framing ({@code (framing)=LENGTH/TRANSFER-ENCODING}), in order. */
  List<String> tokenRequests() {
    return List.copyOf(tokenRequests);
  }

  /** Waits until {@code count} more listing requests were answered. */
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
      Map<String, String> params = RecordedHttp.queryParameters(query);
      if (exchange.getRequestMethod().equals("POST") && path.equals("/" + TENANT + "/oauth2/v2.0/token")) {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = RecordedHttp.queryParameters(form);
        Map<String, String> seen = new java.util.TreeMap<>(fields);
        // how the body was framed: a Content-Length, or chunked
        seen.put("(framing)", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Length")) + "/"
            + exchange.getRequestHeaders().getFirst("Transfer-Encoding"));
        tokenRequests.add(seen.toString());
        if (!CLIENT.equals(fields.get("client_id")) || !SECRET.equals(fields.get("client_secret"))) {
          respond(exchange, 401, recorded("invalid-client.json"));
          return;
        }
        // Microsoft Entra echoes the client's request ID (MSAL logs a mismatch otherwise)
        String requestId = exchange.getRequestHeaders().getFirst("client-request-id");
        if (requestId != null) {
          exchange.getResponseHeaders().set("client-request-id", requestId);
        }
        respond(exchange, 200, recorded("token.json").replace("{TOKEN}", "recorded-token-" + issued.incrementAndGet()));
        return;
      }
      requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
      Matcher listing = LISTING.matcher(path);
      if (!exchange.getRequestMethod().equals("GET") || !listing.matches()) {
        respond(exchange, 404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"not recorded: " + path + "\"}}");
        return;
      }
      try {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer recorded-token-")) {
          respond(exchange, 401, recorded("authentication-failed.json"));
          return;
        }
        if (failing) {
          respond(exchange, 403, recorded("authorization-failed.json"));
          return;
        }
        boolean isPrivate = listing.group(3).equals("privateDnsZones");
        String expectedVersion = isPrivate ? "2024-06-01" : "2018-05-01";
        if (!listing.group(1).equals(SUBSCRIPTION) || !expectedVersion.equals(params.get("api-version"))) {
          respond(exchange, 400, "{\"error\":{\"code\":\"InvalidRequest\",\"message\":\"unexpected subscription or"
              + " api-version in " + path + "?" + query + "\"}}");
          return;
        }
        Map<String, String> zone = pages.get(key(listing.group(3), listing.group(2), listing.group(4)));
        if (zone == null) {
          respond(exchange, 404, recorded("resource-not-found.json")
              .replace("{KIND}", listing.group(3)).replace("{ZONE}", listing.group(4))
              .replace("{GROUP}", listing.group(2)));
          return;
        }
        String body = zone.get(params.getOrDefault("$skipToken", ""));
        if (body == null) {
          respond(exchange, 400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"unexpected $skipToken\"}}");
          return;
        }
        respond(exchange, 200, body.replace("{NEXT}", endpoint().toString().replaceAll("/$", "") + path
            + "?api-version=" + expectedVersion + "&$skipToken="));
      } finally {
        listings.release();
      }
    }
  }

  private static String key(String kind, String group, String zone) {
    return (kind + "/" + group + "/" + zone).toLowerCase(Locale.ROOT);
  }

  /** TLS with the loopback key store (a self-signed certificate for 127.0.0.1, valid to 2126). */
  private static SSLContext serverContext() throws IOException {
    try (InputStream in = RecordedAzure.class.getResourceAsStream("/azure/loopback-key.p12")) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, "changeit".toCharArray());
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, "changeit".toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    RecordedHttp.respond(exchange, status, body, Map.of("Content-Type", "application/json; charset=utf-8", "x-ms-request-id", "recorded"));
  }

  static String recorded(String resource) {
    return RecordedHttp.resource("/azure/" + resource);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
