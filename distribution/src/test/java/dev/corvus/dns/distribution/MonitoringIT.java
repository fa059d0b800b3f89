package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corvus.dns.server.client.DnsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The monitoring files the distribution ships ({@code monitoring/}), checked by the real tools:
 * promtool checks the alerting rules and runs their unit tests; a real Prometheus scrapes a running
 * Corvus and fires the upstream-down alert when the upstream is killed; every metric the dashboard
 * and the rules name is one Corvus exports.
 */
class MonitoringIT {

  private static final Path MONITORING = CorvusProcess.home().resolve("monitoring");
  private static final Pattern METRIC = Pattern.compile("\\b((?:coredns|corvus|jvm|process)_[a-z_]+)\\b");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String run(Path dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    return output;
  }

  @Test
  void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
    assertTrue(run(MONITORING, "promtool", "check", "rules", "corvus-alerts.yaml").contains("SUCCESS"));
    assertTrue(run(MONITORING, "promtool", "test", "rules", "corvus-alerts.test.yaml").contains("SUCCESS"));
  }

  @Test
  void prometheusScrapesCorvusAndFiresWhenTheUpstreamIsKilled(@TempDir Path dir) throws Exception {
    UpstreamStub upstream = new UpstreamStub();
    int dns = CorvusProcess.freePort();
    int metrics = CorvusProcess.freePort();
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:%d {
            errors
            prometheus 127.0.0.1:%d
            forward . %s {
                max_fails 1
                health_check 500ms
            }
            cache 30
            reload
        }
        """.formatted(dns, metrics, upstream.hostAndPort()));
    // The shipped rules as they are, but for their pending durations: a test cannot wait minutes.
    String rules = Files.readString(MONITORING.resolve("corvus-alerts.yaml")).replaceAll("for: \\d+m", "for: 2s");
    Files.writeString(dir.resolve("rules.yaml"), rules);
    int prometheusPort = CorvusProcess.freePort();
    Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: [rules.yaml]
        scrape_configs:
        - job_name: kube-dns
          static_configs:
          - targets: ['127.0.0.1:%d']
        """.formatted(metrics));
    try (CorvusProcess corvus = CorvusProcess.start(dir, "-conf", corefile.toString());
        PrometheusProcess prometheus = PrometheusProcess.start(dir, prometheusPort)) {
      DnsClient client = awaitServing(new DnsClient(new java.net.InetSocketAddress("127.0.0.1", dns)), corvus);
      assertEquals(Rcode.NOERROR, client.udp("upstream.example.org.", Type.A).getRcode());
      assertEquals(Rcode.NOERROR, client.udp("upstream.example.org.", Type.A).getRcode(), "a cache hit");

      String scrape = get("http://127.0.0.1:" + metrics + "/metrics");
      assertEveryNamedMetricIsExported(scrape);

      awaitAlert(prometheus.port(), "CorvusForwardUpstreamDown", false);
      String killed = upstream.hostAndPort();
      upstream.close();
      client.udp("gone.example.org.", Type.A);
      JsonNode alert = awaitAlert(prometheus.port(), "CorvusForwardUpstreamDown", true);
      assertEquals(killed, alert.path("labels").path("to").asText());
      assertEquals("docs/monitoring.md#corvusforwardupstreamdown", alert.path("annotations").path("runbook").asText());
    }
  }

  /** The server answers; waits for it to start (its process start takes a second or two). */
  private static DnsClient awaitServing(DnsClient client, CorvusProcess corvus) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        client.udp("ready.example.org.", Type.A);
        return client;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || !corvus.process().isAlive()) {
          throw new AssertionError("Corvus did not start:\n" + corvus.output(), notYet);
        }
      }
    }
  }

  /**
   * Every metric the dashboard and the rules name is exported: present in the scrape, or, for the
   * few that appear only once their event happened (an informer restart needs an API server, the
   * search-path counter a pod client), registered by the server's code.
   */
  private static void assertEveryNamedMetricIsExported(String scrape) throws IOException {
    Set<String> exported = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        exported.add(line.split(" ")[2]);
      }
    }
    Set<String> named = new TreeSet<>();
    for (String file : List.of("corvus-dashboard.json", "corvus-alerts.yaml")) {
      Matcher matcher = METRIC.matcher(Files.readString(MONITORING.resolve(file)));
      while (matcher.find()) {
        named.add(matcher.group(1).replaceAll("_(bucket|sum|count)$", ""));
      }
    }
    String sources = mainSources();
    List<String> missing = new ArrayList<>();
    for (String name : named) {
      if (!exported.contains(name) && !sources.contains("\"" + name + "\"")) {
        missing.add(name);
      }
    }
    assertTrue(missing.isEmpty(), "metrics named in monitoring/ that Corvus does not export: " + missing);
    assertTrue(named.size() > 20, "the dashboard and rules name " + named);
  }

  private static String mainSources() throws IOException {
    StringBuilder all = new StringBuilder();
    Path root = ExampleBuild.sourceRoot();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/"))
          .toList()) {
        all.append(Files.readString(file));
      }
    }
    return all.toString();
  }

  /** The alert once Prometheus reports it firing (or, with {@code firing} false, that it does not). */
  private static JsonNode awaitAlert(int port, String name, boolean firing) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(firing ? 60 : 0);
    while (true) {
      JsonNode alerts = new ObjectMapper().readTree(get("http://127.0.0.1:" + port + "/api/v1/alerts"))
          .path("data").path("alerts");
      for (JsonNode alert : alerts) {
        if (alert.path("labels").path("alertname").asText().equals(name) && alert.path("state").asText().equals("firing")) {
          assertTrue(firing, name + " fires while the upstream is up: " + alert);
          return alert;
        }
      }
      if (!firing) {
        return null;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not fire; Prometheus reports " + alerts);
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling another process's API: it offers nothing to wait on
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }

  /** Debian's Prometheus with a configuration of the test's, its data in the test's directory. */
  private static final class PrometheusProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private PrometheusProcess(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    int port() {
      return port;
    }

    static PrometheusProcess start(Path dir, int port) throws Exception {
      Process process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          get("http://127.0.0.1:" + port + "/-/ready");
          return new PrometheusProcess(process, port);
        } catch (IOException | AssertionError notYet) {
          if (System.nanoTime() > deadline || !process.isAlive()) {
            process.destroyForcibly();
            throw new AssertionError("Prometheus did not start:\n" + Files.readString(dir.resolve("prometheus.log")));
          }
          TimeUnit.MILLISECONDS.sleep(100); // polling another process's readiness
        }
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
