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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route53 plugin as the distribution ships it (plugins/route53/, the AWS SDK in its own class
 * loader), its hosted zone listed from a loopback stand-in replaying recorded Route 53 API
 * responses (not the live service), queried with dig over UDP and TCP, through an API outage.
 */
class Route53IT {

  private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
  private static final String HOSTED_ZONE = """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListHostedZonesByNameResponse xmlns="%s">
        <HostedZones><HostedZone><Id>/hostedzone/Z1IT</Id><Name>example.org.</Name>
          <CallerReference>it</CallerReference><Config><PrivateZone>false</PrivateZone></Config>
          <ResourceRecordSetCount>3</ResourceRecordSetCount></HostedZone></HostedZones>
        <DNSName>example.org.</DNSName><HostedZoneId>Z1IT</HostedZoneId>
        <IsTruncated>false</IsTruncated><MaxItems>100</MaxItems>
      </ListHostedZonesByNameResponse>
      """.formatted(NS);
  private static final String RECORD_SETS = """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListResourceRecordSetsResponse xmlns="%s">
        <ResourceRecordSets>
          <ResourceRecordSet><Name>example.org.</Name><Type>SOA</Type><TTL>900</TTL><ResourceRecords>
            <ResourceRecord><Value>ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400</Value></ResourceRecord>
          </ResourceRecords></ResourceRecordSet>
          <ResourceRecordSet><Name>www.example.org.</Name><Type>A</Type><TTL>60</TTL><ResourceRecords>
            <ResourceRecord><Value>192.0.2.80</Value></ResourceRecord>
          </ResourceRecords></ResourceRecordSet>
          <ResourceRecordSet><Name>\\052.apps.example.org.</Name><Type>CNAME</Type><TTL>60</TTL><ResourceRecords>
            <ResourceRecord><Value>www.example.org.</Value></ResourceRecord>
          </ResourceRecords></ResourceRecordSet>
        </ResourceRecordSets>
        <IsTruncated>false</IsTruncated><MaxItems>1000</MaxItems>
      </ListResourceRecordSetsResponse>
      """.formatted(NS);
  private static final String UNAVAILABLE = """
      <?xml version="1.0" encoding="UTF-8"?>
      <ErrorResponse xmlns="%s"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>
        <Message>The service is unavailable. Try again later.</Message></Error><RequestId>it</RequestId></ErrorResponse>
      """.formatted(NS);

  private volatile boolean failing;
  private final Semaphore listings = new Semaphore(0);

  @Test
  void theShippedPluginServesAHostedZoneThroughAnApiOutage(@TempDir Path dir) throws Exception {
    try (Stream<Path> lib = Files.list(CorvusProcess.home().resolve("lib"))) {
      List<String> leaked = lib.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("route53") || n.startsWith("sdk-core") || n.startsWith("aws-")).toList();
      assertTrue(leaked.isEmpty(), "the AWS SDK stays out of lib/: " + leaked);
    }
    assertTrue(Files.isRegularFile(CorvusProcess.home().resolve("plugins/route53/plugin-route53-0.1.0-SNAPSHOT.jar")));

    HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/2013-04-01/", this::serve);
    api.start();
    try {
      Path credentials = Files.writeString(dir.resolve("aws-credentials"),
          "[dns]\naws_access_key_id = AKIDIT\naws_secret_access_key = secret\n");
      int port = CorvusProcess.freePort();
      Path corefile = Files.writeString(dir.resolve("Corefile"), "example.org:" + port + " {\n"
          + "    route53 example.org.:Z1IT {\n"
          + "        aws_endpoint http://127.0.0.1:" + api.getAddress().getPort() + "\n"
          + "        credentials dns " + credentials + "\n"
          + "        refresh 1s\n"
          + "    }\n}\n");
      CorvusProcess.Result plugins = CorvusProcess.run(dir, "plugins");
      assertTrue(plugins.output().lines().anyMatch(l -> l.contains(" route53 ") && l.contains("plugins/route53")),
          plugins.output());
      try (CorvusProcess corvus = CorvusProcess.start(dir, "-conf", corefile.toString())) {
        assertEquals("192.0.2.80", Dig.await(port, "www.example.org", "A", "+short", "192.0.2.80"));
        assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short", "+tcp"));
        assertEquals("www.example.org.\n192.0.2.80", Dig.query(port, "x.apps.example.org", "A", "+short"));
        assertTrue(Dig.query(port, "nope.example.org", "A").contains("status: NXDOMAIN"));

        failing = true;
        listings.drainPermits();
        assertTrue(listings.tryAcquire(2, 60, TimeUnit.SECONDS), "refreshes go on while the API fails");
        assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short"));
        assertEquals("192.0.2.80", Dig.query(port, "www.example.org", "A", "+short", "+tcp"));
        // the refresh logs its failure after the API server has counted the request
        assertTrue(Poll.until(Duration.ofSeconds(20), () -> {
          String log = logOf(corvus);
          return log.contains("ServiceUnavailable") || log.contains("The service is unavailable");
        }), logOf(corvus));
        assertTrue(!corvus.output().contains("Exception in"), corvus.output());
      }
    } finally {
      api.stop(0);
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int status = 200;
      String body;
      if (path.endsWith("/hostedzonesbyname")) {
        body = HOSTED_ZONE;
      } else if (failing) {
        status = 503;
        body = UNAVAILABLE;
      } else {
        body = RECORD_SETS;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
      if (path.endsWith("/rrset")) {
        listings.release();
      }
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
