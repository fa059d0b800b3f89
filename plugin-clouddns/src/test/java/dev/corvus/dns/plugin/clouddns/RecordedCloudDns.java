package dev.corvus.dns.plugin.clouddns;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.testkit.RecordedHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Cloud DNS API and Google's OAuth token endpoint on loopback, replaying
 * recorded responses (the JSON of the documented REST API, in src/test/resources/clouddns):
 * {@code managedZones.get} and {@code resourceRecordSets.list}, page by page as the request's
 * {@code pageToken} asks. Its token endpoint takes a service account's signed JWT (RFC 7523) and
 * checks the signature against the key pair it made for {@link #serviceAccountKey}; the API
 * answers only requests that carry a token it issued. It can be told to fail (503), and counts the
 * listings so tests wait for a refresh instead of sleeping.
 */
final class RecordedCloudDns implements AutoCloseable {

  static final String PROJECT = "sample-project-1";
  static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";

  private final HttpServer server;
  private final KeyPair key;
  /** "project/zone" -> (page token -> recorded page); the first page's token is "". */
  private final Map<String, Map<String, String>> pages = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> assertions = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> issued = new ConcurrentHashMap<>();
  private final AtomicInteger tokens = new AtomicInteger();
  private final Semaphore listings = new Semaphore(0);
  private volatile boolean failing;

  RecordedCloudDns() throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      key = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/dns/v1/", this::serve);
    server.start();
  }

  /** The root URL the client is pointed at instead of https://dns.googleapis.com/. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /**
   * Writes a service account key file, as the Cloud console downloads one, whose private key is
   * this server's and whose token URI is this server's token endpoint.
   */
  Path serviceAccountKey(Path dir) throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    JsonObject json = new JsonObject();
    json.addProperty("type", "service_account");
    json.addProperty("project_id", PROJECT);
    json.addProperty("private_key_id", "5f0c1e4d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d");
    json.addProperty("private_key", pem);
    json.addProperty("client_email", "corvus-dns@" + PROJECT + ".iam.gserviceaccount.com");
    json.addProperty("client_id", "104827365519283746501");
    json.addProperty("auth_uri", "https://accounts.google.com/o/oauth2/auth");
    json.addProperty("token_uri", tokenUri());
    json.addProperty("universe_domain", "googleapis.com");
    return Files.writeString(dir.resolve("service-account.json"), json.toString());
  }

  private String tokenUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** Serves {@code zone}'s record sets from one recorded page. */
  RecordedCloudDns zone(String zone, String resource) {
    return pagedZone(zone, Map.of("", resource));
  }

  /** Serves {@code zone}'s record sets from recorded pages, keyed by the page token that asks for each. */
  RecordedCloudDns pagedZone(String zone, Map<String, String> tokenToResource) {
    Map<String, String> bodies = new HashMap<>();
    tokenToResource.forEach((token, resource) -> bodies.put(token, recorded(resource)));
    pages.put(PROJECT + "/" + zone, bodies);
    return this;
  }

  void failing(boolean fail) {
    this.failing = fail;
  }

  /** Every API request as "GET path?query", in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The claims of every JWT the token endpoint accepted. */
  List<String> assertions() {
    return List.copyOf(assertions);
  }

  /** How many access tokens the token endpoint issued. */
  int tokensIssued() {
    return tokens.get();
  }

  /** Waits until {@code count} more resourceRecordSets.list requests were answered. */
  boolean awaitListings(int count, long seconds) throws InterruptedException {
    return listings.tryAcquire(count, seconds, TimeUnit.SECONDS);
  }

  /** Forgets the listings counted so far. */
  void drainListings() {
    listings.drainPermits();
  }

  /** RFC 7523 §2.1: a JWT bearer grant, signed with RS256 by the service account's key. */
  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> form = RecordedHttp.queryParameters(body);
      if (!"POST".equals(exchange.getRequestMethod())
          || !"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
        respond(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
        return;
      }
      String[] jwt = String.valueOf(form.get("assertion")).split("\\.");
      if (jwt.length != 3 || !verified(jwt)) {
        respond(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        return;
      }
      String claims = new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8);
      JsonObject parsed = JsonParser.parseString(claims).getAsJsonObject();
      // Google's token endpoint takes its own URI as the audience, whatever URI the key names
      String audience = parsed.has("aud") ? parsed.get("aud").getAsString() : "";
      if (!audience.equals(GOOGLE_TOKEN_AUDIENCE) && !audience.equals(tokenUri())) {
        respond(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid audience " + audience
            + ".\"}");
        return;
      }
      assertions.add(claims);
      String token = "ya29.recorded-" + tokens.incrementAndGet();
      issued.put(token, true);
      respond(exchange, 200, "{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
    }
  }

  private boolean verified(String[] jwt) {
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(key.getPublic());
      rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      return rs256.verify(Base64.getUrlDecoder().decode(jwt[2]));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || !issued.containsKey(auth.substring("Bearer ".length()))) {
        respond(exchange, 401, recorded("unauthenticated.json"));
        return;
      }
      // /dns/v1/projects/{project}/managedZones/{zone}[/rrsets]
      String[] parts = path.split("/");
      if (parts.length < 7 || !parts[3].equals("projects") || !parts[5].equals("managedZones")) {
        respond(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
        return;
      }
      String zone = parts[4] + "/" + parts[6];
      if (parts.length == 7) {
        if (!pages.containsKey(zone)) {
          respond(exchange, 404, recorded("not-found.json").replace("{ZONE}", parts[6]));
          return;
        }
        respond(exchange, 200, recorded("managed-zone.json").replace("{ZONE}", parts[6]));
        return;
      }
      if (parts.length == 8 && parts[7].equals("rrsets")) {
        try {
          if (failing) {
            respond(exchange, 503, recorded("unavailable.json"));
            return;
          }
          Map<String, String> zonePages = pages.get(zone);
          if (zonePages == null) {
            respond(exchange, 404, recorded("not-found.json").replace("{ZONE}", parts[6]));
            return;
          }
          String body = zonePages.get(RecordedHttp.queryParameters(query).getOrDefault("pageToken", ""));
          if (body == null) {
            respond(exchange, 400, "{\"error\":{\"code\":400,\"message\":\"Invalid value for 'pageToken'\"}}");
            return;
          }
          respond(exchange, 200, body);
        } finally {
          listings.release();
        }
        return;
      }
      respond(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    RecordedHttp.respond(exchange, status, body, Map.of("Content-Type", "application/json; charset=UTF-8"));
  }

  static String recorded(String resource) {
    return RecordedHttp.resource("/clouddns/" + resource);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
