package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.corvus.dns.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The azure plugin as the distribution ships it (plugins/azure/, the Azure SDK in its own class
 * loader), signed in with a client secret at a loopback stand-in of the Microsoft Entra token
 * endpoint and listing a public and a private zone from a loopback stand-in of Azure Resource
 * Manager, both over HTTPS and replaying recorded-shape API responses (not the live service);
 * queried with dig over UDP and TCP, through a changed record and an API failure.
 */
class AzureIT {

  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String SUBSCRIPTION = "3d5c7f2a-1b4e-4c9d-8a7f-6e5d4c3b2a19";
  private static final String ZONES = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/dns-rg/providers/Microsoft.Network/";

  private volatile boolean failing;
  private volatile String wwwAddress = "192.0.2.80";
  private final Semaphore listings = new Semaphore(0);

  @Test
  void theShippedPluginServesPublicAndPrivateZonesThroughAChangeAndAnApiFailure(@TempDir Path dir) throws Exception {
    Path home = CorvusProcess.home();
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      List<String> leaked = lib.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("azure-") || n.startsWith("msal4j") || n.startsWith("reactor-core")
              || n.startsWith("cloud-zones")).toList();
      assertTrue(leaked.isEmpty(), "the Azure SDK and cloud-zones stay out of lib/: " + leaked);
    }
    assertTrue(Files.isRegularFile(home.resolve("plugins/azure/plugin-azure-0.1.0-SNAPSHOT.jar")));
    try (Stream<Path> lib = Files.list(home.resolve("plugins/azure/lib"))) {
      List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
      assertTrue(jars.stream().anyMatch(n -> n.startsWith("azure-resourcemanager-dns-")), jars::toString);
      assertTrue(jars.stream().anyMatch(n -> n.startsWith("cloud-zones-")), "the shared cloud-zones library: " + jars);
      assertTrue(jars.stream().noneMatch(n -> n.startsWith("netty-") || n.startsWith("azure-core-http-netty")),
          "the SDK's JDK HTTP client, not its Netty one: " + jars);
    }

    char[] password = "changeit".toCharArray();
    Path keys = dir.resolve("loopback-key.p12");
    Path trust = dir.resolve("loopback-trust.p12");
    keytool("-genkeypair", "-alias", "loopback", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
        "-storepass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "loopback", "-keystore", keys.toString(), "-storepass", "changeit",
        "-file", dir.resolve("loopback.pem").toString());
    keytool("-importcert", "-noprompt", "-alias", "loopback", "-file", dir.resolve("loopback.pem").toString(),
        "-storetype", "PKCS12", "-keystore", trust.toString(), "-storepass", "changeit");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keys)) {
      store.load(in, password);
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    HttpsServer api = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.setHttpsConfigurator(new HttpsConfigurator(tls));
    api.createContext("/", this::serve);
    api.start();
    String endpoint = "https://127.0.0.1:" + api.getAddress().getPort() + "/";
    Process corvus = null;
    Path log = dir.resolve("corvus.log");
    try {
      Files.writeString(dir.resolve("azurestack.json"), "{\"name\": \"AzureStackCloud\", \"resourceManagerEndpoint\": \""
          + endpoint + "\", \"activeDirectoryEndpoint\": \"" + endpoint + "\"}");
      int port = CorvusProcess.freePort();
      String credentials = "        tenant " + TENANT + "\n        client it-client\n        secret it-secret\n"
          + "        subscription " + SUBSCRIPTION + "\n        environment AZURESTACKCLOUD azurestack.json\n"
          + "        refresh 1s\n";
      Path corefile = Files.writeString(dir.resolve("Corefile"), ".:" + port + " {\n"
          + "    azure dns-rg:example.org {\n" + credentials + "    }\n"
          + "    azure dns-rg:corp.internal {\n" + credentials + "        access private\n    }\n}\n");
      CorvusProcess.Result plugins = CorvusProcess.run(dir, "plugins");
      assertTrue(plugins.output().lines().anyMatch(l -> l.contains(" azure ") && l.contains("plugins/azure")),
          plugins.output());

      ProcessBuilder start = new ProcessBuilder(home.resolve("bin/corvus").toString(), "-conf", corefile.toString())
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      // the stand-in's self-signed certificate, trusted as an operator trusts a private CA
      start.environment().put("JAVA_OPTS", "-Djavax.net.ssl.trustStore=" + trust
          + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");
      corvus = start.start();

      assertEquals("192.0.2.80", Dig.await(port, "www.example.org", "A", "+short", "192.0.2.80"));
      assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short", "+tcp"));
      assertEquals("www.example.org.\n192.0.2.80", Dig.query(port, "x.apps.example.org", "A", "+short"));
      assertEquals("10.0.0.4", Dig.query(port, "db.corp.internal", "A", "+short"));
      assertEquals("10.0.0.4", Dig.query(port, "db.corp.internal", "A", "+short", "+tcp"));
      assertTrue(Dig.query(port, "nope.example.org", "A").contains("status: NXDOMAIN"));

      wwwAddress = "192.0.2.99";
      assertEquals("192.0.2.99", Dig.await(port, "www.example.org", "A", "+short", "192.0.2.99"), "the refresh picks up a change");

      failing = true;
      listings.drainPermits();
      assertTrue(listings.tryAcquire(4, 60, TimeUnit.SECONDS), "refreshes go on while the API fails");
      assertEquals("192.0.2.99", Dig.query(port, "www.example.org", "A", "+short"));
      assertEquals("10.0.0.4", Dig.query(port, "db.corp.internal", "A", "+short", "+tcp"));
      // the refresh logs its failure after the API server has counted the request
      assertTrue(Poll.until(Duration.ofSeconds(20), () -> read(log).contains("AuthorizationFailed")), () -> read(log));
      assertTrue(!read(log).contains("Exception in"), () -> read(log));
      assertTrue(!read(log).contains("Correlation Id is not same"), () -> read(log));
    } finally {
      if (corvus != null) {
        corvus.descendants().forEach(ProcessHandle::destroyForcibly);
        corvus.destroyForcibly();
      }
      api.stop(0);
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int status = 200;
      String body;
      if (path.equals("/" + TENANT + "/oauth2/v2.0/token")) {
        body = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"it-token\"}";
        String requestId = exchange.getRequestHeaders().getFirst("client-request-id");
        if (requestId != null) {
          exchange.getResponseHeaders().set("client-request-id", requestId);
        }
      } else if (!"Bearer it-token".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        status = 401;
        body = "{\"error\":{\"code\":\"AuthenticationFailed\",\"message\":\"no token\"}}";
      } else if (failing) {
        status = 403;
        body = "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client 'it-client' does not have "
            + "authorization to perform action 'Microsoft.Network/dnsZones/recordsets/read'.\"}}";
      } else if (path.equals(ZONES + "dnsZones/example.org/recordsets")) {
        body = "{\"value\": ["
            + set("dnszones", "example.org", "@", "SOA", "example.org.", "\"TTL\": 3600, \"SOARecord\": {\"host\": "
                + "\"ns1-01.azure-dns.com.\", \"email\": \"azuredns-hostmaster.microsoft.com\", \"serialNumber\": 1, "
                + "\"refreshTime\": 3600, \"retryTime\": 300, \"expireTime\": 2419200, \"minimumTTL\": 300}") + ","
            + set("dnszones", "example.org", "@", "NS", "example.org.", "\"TTL\": 172800, \"NSRecords\": "
                + "[{\"nsdname\": \"ns1-01.azure-dns.com.\"}]") + ","
            + set("dnszones", "example.org", "www", "A", "www.example.org.", "\"TTL\": 60, \"ARecords\": "
                + "[{\"ipv4Address\": \"" + wwwAddress + "\"}]") + ","
            + set("dnszones", "example.org", "*.apps", "CNAME", "*.apps.example.org.", "\"TTL\": 60, \"CNAMERecord\": "
                + "{\"cname\": \"www.example.org\"}")
            + "]}";
      } else if (path.equals(ZONES + "privateDnsZones/corp.internal/ALL")) {
        body = "{\"value\": ["
            + set("privateDnsZones", "corp.internal", "@", "SOA", "corp.internal.", "\"ttl\": 3600, \"soaRecord\": "
                + "{\"host\": \"azureprivatedns.net\", \"email\": \"azureprivatedns-host.microsoft.com\", "
                + "\"serialNumber\": 1, \"refreshTime\": 3600, \"retryTime\": 300, \"expireTime\": 2419200, "
                + "\"minimumTtl\": 10}") + ","
            + set("privateDnsZones", "corp.internal", "db", "A", "db.corp.internal.", "\"ttl\": 10, \"aRecords\": "
                + "[{\"ipv4Address\": \"10.0.0.4\"}]")
            + "]}";
      } else {
        status = 404;
        body = "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"not recorded: " + path + "\"}}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
      if (path.startsWith("/subscriptions/")) {
        listings.release();
      }
    }
  }

  private static String set(String kind, String zone, String name, String type, String fqdn, String properties) {
    return "{\"id\": \"" + ZONES + kind + "/" + zone + "/" + type + "/" + name + "\", \"name\": \"" + name
        + "\", \"type\": \"Microsoft.Network/" + kind + "/" + type + "\", \"etag\": \"it\", \"properties\": "
        + "{\"fqdn\": \"" + fqdn + "\", " + properties + "}}";
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed: " + out);
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
