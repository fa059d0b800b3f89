package dev.corvus.dns.plugin.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.MetricsText;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

class AdminIntegrationTest {

  @TempDir
  Path dir;

  private Corvus start() throws Exception {
    Files.writeString(dir.resolve("hosts"), "192.0.2.10 www.example.org\n");
    return Corvus.builder().corefile("""
        .:0 {
            admin 127.0.0.1:0
            prometheus 127.0.0.1:0
            rewrite name exact legacy.example.org www.example.org
            hosts %s/hosts
        }
        """.formatted(dir)).dnsPort(0).start();
  }

  @Test
  void explainShowsEachPluginAndTheAnswerOverHttp() throws Exception {
    try (Corvus server = start()) {
      InetSocketAddress admin = server.httpAddress("/explain");
      HttpResponse<String> response = Http.get(admin, "/explain?name=legacy.example.org&type=A&client=10.1.2.3");
      assertEquals(200, response.statusCode(), response.body());
      String text = response.body();
      assertTrue(text.contains(";; explain legacy.example.org. A as if from 10.1.2.3"), text);
      assertTrue(text.matches("(?s).*\\d\\. prometheus +passed on .*"), text);
      assertTrue(text.matches("(?s).*\\d\\. rewrite +changed the question .*"), text);
      assertTrue(text.contains("passed on as www.example.org. A"), text);
      assertTrue(text.matches("(?s).*\\d\\. hosts +answered +NOERROR .*"), text);
      assertTrue(text.contains(";; answered NOERROR by hosts"), text);
      assertTrue(text.contains("legacy.example.org.\t3600\tIN\tA\t192.0.2.10"), text);
    }
  }

  @Test
  void explainAsJsonAndErrorsAsStatusCodes() throws Exception {
    try (Corvus server = start()) {
      InetSocketAddress admin = server.httpAddress("/explain");
      String json = Http.get(admin, "/explain?name=www.example.org&format=json").body();
      assertTrue(json.contains("\"answeredBy\": \"hosts\""), json);
      assertTrue(json.contains("\"outcome\": \"answered\""), json);
      assertEquals(400, Http.get(admin, "/explain").statusCode());
      assertEquals(400, Http.get(admin, "/explain?name=www.example.org&type=NOPE").statusCode());
      assertEquals(400, Http.get(admin, "/explain?name=www.example.org&client=not-an-ip").statusCode());
    }
  }

  @Test
  void explanationsLeaveQueryMetricsUnchanged() throws Exception {
    try (Corvus server = start()) {
      new DnsClient(server.udpAddress()).udp("www.example.org.", Type.A);
      InetSocketAddress metrics = server.httpAddress("/metrics");
      double before = requests(metrics);
      assertEquals(1.0, before);
      Http.get(server.httpAddress("/explain"), "/explain?name=www.example.org");
      Http.get(server.httpAddress("/explain"), "/explain?name=legacy.example.org");
      assertEquals(before, requests(metrics));
    }
  }

  @Test
  void explanationsLeaveAclAndTemplateCountersUnchanged() throws Exception {
    try (Corvus server = Corvus.builder().corefile("""
        .:0 {
            admin 127.0.0.1:0
            prometheus 127.0.0.1:0
            acl {
                block type AAAA net 10.0.0.0/8
                allow net 0.0.0.0/0
            }
            template IN A example.org {
                answer "{{ .Name }} 60 IN A 192.0.2.1"
            }
        }
        """).dnsPort(0).start()) {
      new DnsClient(server.udpAddress()).udp("www.example.org.", Type.A);
      MetricsText before = MetricsText.parse(server.scrapeMetrics());
      assertEquals(1.0, before.sum("coredns_acl_allowed_requests_total"));
      assertEquals(1.0, before.sum("coredns_template_matches_total"));
      InetSocketAddress admin = server.httpAddress("/explain");
      assertEquals(200, Http.get(admin, "/explain?name=www.example.org&type=A").statusCode());
      assertEquals(200, Http.get(admin, "/explain?name=www.example.org&type=AAAA&client=10.1.2.3").statusCode());
      MetricsText after = MetricsText.parse(server.scrapeMetrics());
      for (String name : List.of("coredns_acl_allowed_requests_total", "coredns_acl_blocked_requests_total",
          "coredns_template_matches_total")) {
        assertEquals(before.sum(name), after.sum(name), name);
      }
    }
  }

  @Test
  void configShowsTheServedCorefileAndInspectListsTopics() throws Exception {
    try (Corvus server = start()) {
      InetSocketAddress admin = server.httpAddress("/config");
      String config = Http.get(admin, "/config").body();
      assertTrue(config.contains("\"sha512\": \"" + server.control().configSource().sha512() + "\""), config);
      assertTrue(config.contains("\"lastReloadError\": null"), config);
      assertEquals(200, Http.get(admin, "/inspect/").statusCode());
      assertEquals(404, Http.get(admin, "/inspect/nothing").statusCode());
    }
  }

  private static double requests(InetSocketAddress metrics) throws Exception {
    MetricsText text = MetricsText.parse(Http.get(metrics, "/metrics").body());
    return text.sum("coredns_dns_requests_total");
  }
}
