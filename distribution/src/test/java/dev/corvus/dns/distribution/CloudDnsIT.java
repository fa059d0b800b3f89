package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.testkit.Poll;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clouddns plugin as the distribution ships it (plugins/clouddns/, Google's client in its own
 * class loader), its managed zone listed from a loopback stand-in replaying recorded Cloud DNS API
 * responses and issuing OAuth tokens for the service account key this test makes (not the live
 * service), the key found through GOOGLE_APPLICATION_CREDENTIALS; queried with dig over UDP and
 * TCP, through an API outage.
 */
class CloudDnsIT {

  private static final String MANAGED_ZONE = """
      {"kind": "dns#managedZone", "name": "example-zone", "dnsName": "example.org.", "id": "4829341857262745612",
       "nameServers": ["ns-cloud-c1.googledomains.com."], "visibility": "public"}
      """;
  private static final String RECORD_SETS = """
      {"kind": "dns#resourceRecordSetsListResponse", "rrsets": [
        {"kind": "dns#resourceRecordSet", "name": "example.org.", "type": "SOA", "ttl": 21600,
         "rrdatas": ["ns-cloud-c1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"]},
        {"kind": "dns#resourceRecordSet", "name": "www.example.org.", "type": "A", "ttl": 60, "rrdatas": ["192.0.2.80"]},
        {"kind": "dns#resourceRecordSet", "name": "*.apps.example.org.", "type": "CNAME", "ttl": 60,
         "rrdatas": ["www.example.org."]}
      ]}
      """;
  private static final String UNAVAILABLE = """
      {"error": {"code": 503, "message": "The service is currently unavailable.", "errors": [
        {"message": "The service is currently unavailable.", "domain": "global", "reason": "backendError"}],
       "status": "UNAVAILABLE"}}
      """;

  private final KeyPair key = rsa();
  private final AtomicInteger tokens = new AtomicInteger();
  private final Semaphore listings = new Semaphore(0);
  private volatile boolean failing;

  @Test
  void theShippedPluginServesAManagedZoneThroughAnApiOutage(@TempDir Path dir) throws Exception {
    try (Stream<Path> lib = Files.list(CorvusProcess.home().resolve("lib"))) {
      List<String> leaked = lib.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("google-") || n.startsWith("opencensus")).toList();
      assertTrue(leaked.isEmpty(), "Google's client stays out of lib/: " + leaked);
    }
    Path plugin = CorvusProcess.home().resolve("plugins/clouddns");
    assertTrue(Files.isRegularFile(plugin.resolve("plugin-clouddns-0.1.0-SNAPSHOT.jar")));
    try (Stream<Path> lib = Files.list(plugin.resolve("lib"))) {
      List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
      assertTrue(jars.stream().anyMatch(n -> n.startsWith("google-api-services-dns-")), jars::toString);
      assertTrue(jars.stream().noneMatch(n -> n.startsWith("httpclient") || n.startsWith("grpc-netty")
          || n.startsWith("dnsjava") || n.startsWith("dns-api")), jars::toString);
    }

    HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/token", this::token);
    api.createContext("/dns/v1/", this::serve);
    api.start();
    try {
      String root = "http://127.0.0.1:" + api.getAddress().getPort() + "/";
      Path keyFile = Files.writeString(dir.resolve("service-account.json"), serviceAccountKey(root + "token"));
      int port = CorvusProcess.freePort();
      Path corefile = Files.writeString(dir.resolve("Corefile"), "example.org:" + port + " {\n"
          + "    clouddns example.org.:it-project:example-zone\n}\n");
      CorvusProcess.Result plugins = CorvusProcess.run(dir, "plugins");
      assertTrue(plugins.output().lines().anyMatch(l -> l.contains(" clouddns ") && l.contains("plugins/clouddns")),
          plugins.output());
      Map<String, String> environment = Map.of(
          "GOOGLE_APPLICATION_CREDENTIALS", keyFile.toString(),
          "JAVA_OPTS", "-Dcorvus.clouddns.endpoint=" + root + " -Dcorvus.clouddns.refresh=1000");
      try (CorvusProcess corvus = CorvusProcess.start(dir, environment, "-conf", corefile.toString())) {
        assertEquals("192.0.2.80", Dig.await(port, "www.example.org", "A", "+short", "192.0.2.80"));
        assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short", "+tcp"));
        assertEquals("www.example.org.\n192.0.2.80", Dig.query(port, "x.apps.example.org", "A", "+short"));
        assertTrue(Dig.query(port, "nope.example.org", "A").contains("status: NXDOMAIN"));
        assertTrue(tokens.get() >= 1, "a token was issued for the key's signed request");

        failing = true;
        listings.drainPermits();
        assertTrue(listings.tryAcquire(2, 60, TimeUnit.SECONDS), "refreshes go on while the API fails");
        assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short"));
        assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short", "+tcp"));
        assertTrue(Poll.until(Duration.ofSeconds(20), () -> logOf(corvus).contains(
            "clouddns: failed to update example.org.:it-project:example-zone, serving its last listing if any")),
            logOf(corvus));
        assertTrue(!corvus.output().contains("Exception in"), corvus.output());
      }
    } finally {
      api.stop(0);
    }
  }

  private String serviceAccountKey(String tokenUri) {
    String pem = "-----BEGIN PRIVATE KEY-----\\n"
        // the PEM's line breaks as JSON escapes
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
            .replace("\n", "\\n")
        + "\\n-----END PRIVATE KEY-----\\n";
    return """
        {"type": "service_account", "project_id": "it-project", "private_key_id": "it-key",
         "private_key": "%s", "client_email": "corvus-it@it-project.iam.gserviceaccount.com",
         "client_id": "1", "token_uri": "%s"}
        """.formatted(pem, tokenUri);
  }

  /** An RFC 7523 JWT bearer grant whose RS256 signature is the key's: a token; anything else: 400. */
  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String assertion = "";
      for (String pair : body.split("&")) {
        if (pair.startsWith("assertion=")) {
          assertion = URLDecoder.decode(pair.substring("assertion=".length()), StandardCharsets.UTF_8);
        }
      }
      String[] jwt = assertion.split("\\.");
      if (jwt.length != 3 || !verified(jwt)) {
        respond(exchange, 400, "{\"error\":\"invalid_grant\"}");
        return;
      }
      respond(exchange, 200, "{\"access_token\":\"ya29.it-" + tokens.incrementAndGet()
          + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
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
      String path = exchange.getRequestURI().getPath();
      String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
      if (!auth.startsWith("Bearer ya29.it-")) {
        respond(exchange, 401, "{\"error\":{\"code\":401,\"message\":\"Login Required.\"}}");
      } else if (path.equals("/dns/v1/projects/it-project/managedZones/example-zone")) {
        respond(exchange, 200, MANAGED_ZONE);
      } else if (path.equals("/dns/v1/projects/it-project/managedZones/example-zone/rrsets")) {
        respond(exchange, failing ? 503 : 200, failing ? UNAVAILABLE : RECORD_SETS);
        listings.release();
      } else {
        respond(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String logOf(CorvusProcess corvus) {
    try {
      return corvus.output();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
