package dev.corvus.dns.plugin.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.peers.Peers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One zone served on dns://, tls://, https://, quic:// and https3:// answers the same on each
 * (records and rcode), seen by kdig over the first four and by Netty's HTTP/3 client over the
 * fifth; DoH3 requests that are wrong get DoH's HTTP errors.
 */
class AllTransportsTest {

  static final String ZONE = """
      $ORIGIN example.org.
      @    3600 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300
      @    3600 IN NS  ns.example.org.
      ns   3600 IN A   127.0.0.1
      www   300 IN A   127.0.0.1
      www   300 IN A   127.0.0.2
      www    60 IN AAAA ::1
      mail  600 IN MX  10 www.example.org.
      txt   120 IN TXT "v=spf1 -all"
      """;

  static final String[][] QUESTIONS = {
      {"www.example.org", "A"}, {"www.example.org", "AAAA"}, {"mail.example.org", "MX"},
      {"txt.example.org", "TXT"}, {"example.org", "SOA"}, {"nope.example.org", "A"},
      {"www.example.org", "MX"}, {"other.test", "A"},
  };

  @TempDir
  static Path dir;
  static Corvus server;
  static Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Peers.certificate(dir);
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    StringBuilder corefile = new StringBuilder();
    for (String scheme : List.of("dns", "tls", "https", "quic", "https3")) {
      corefile.append(scheme).append("://example.org:0 {\n")
          .append(scheme.equals("dns") ? "" : "    tls cert.pem key.pem\n")
          .append("    file db.example.org\n    prometheus 127.0.0.1:0\n}\n");
    }
    server = Corvus.builder().corefile(Files.writeString(dir.resolve("Corefile"), corefile)).dnsPort(0).start();
    for (Corvus.ListenerAddress listener : server.listeners()) {
      addresses.put(listener.label().substring(0, listener.label().indexOf(':')), listener.stream());
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static final Pattern STATUS = Pattern.compile("opcode: QUERY; status: (\\w+)");

  /** kdig's rcode and answer section, without the lines that name the transport or time. */
  private static String kdig(String scheme, String name, String type) throws Exception {
    List<String> command = new ArrayList<>(List.of(Peers.require("kdig", "knot-dnsutils"),
        "@127.0.0.1", "-p", Integer.toString(addresses.get(scheme).getPort())));
    switch (scheme) {
      case "tls" -> command.add("+tls");
      case "https" -> command.add("+https");
      case "quic" -> command.add("+quic");
      default -> { }
    }
    command.add(name);
    command.add(type);
    Peers.Output out = Peers.run(command.toArray(String[]::new));
    assertEquals(0, out.exitCode(), out.text());
    Matcher status = STATUS.matcher(out.text());
    assertTrue(status.find(), out.text());
    StringBuilder answer = new StringBuilder(status.group(1)).append('\n');
    boolean inAnswer = false;
    for (String line : out.text().split("\n")) {
      if (line.startsWith(";; ANSWER SECTION")) {
        inAnswer = true;
      } else if (line.isBlank() || line.startsWith(";;")) {
        inAnswer = false;
      } else if (inAnswer) {
        answer.append(line.replaceAll("\\s+", " ")).append('\n');
      }
    }
    return answer.toString();
  }

  @Test
  void everyTransportAnswersTheSame() throws Exception {
    for (String[] question : QUESTIONS) {
      String reference = kdig("dns", question[0], question[1]);
      for (String scheme : List.of("tls", "https", "quic")) {
        assertEquals(reference, kdig(scheme, question[0], question[1]), scheme + " " + String.join(" ", question));
      }
      Message plain = new DnsClient(addresses.get("dns")).tcp(question[0] + ".", Type.value(question[1]));
      try (QuicTestClient client = QuicTestClient.connect(addresses.get("https3"), "h3")) {
        Message overHttp3 = doh3(client, question[0] + ".", Type.value(question[1]));
        assertEquals(plain.getRcode(), overHttp3.getRcode(), "https3 " + String.join(" ", question));
        assertEquals(records(plain, Section.ANSWER), records(overHttp3, Section.ANSWER));
        assertEquals(records(plain, Section.AUTHORITY), records(overHttp3, Section.AUTHORITY));
      }
    }
    assertTrue(kdig("dns", "other.test", "A").startsWith("REFUSED"), "no block for other.test");
  }

  private static List<String> records(Message message, int section) {
    return message.getSection(section).stream().map(Record::toString).sorted().toList();
  }

  private static Message doh3(QuicTestClient client, String name, int type) throws Exception {
    byte[] query = DnsClient.newQuery(name, type).toWire();
    query[0] = 0;
    query[1] = 0;
    QuicTestClient.Http3Response response = client.request("POST", "/dns-query",
        Map.of("content-type", "application/dns-message"), query);
    assertEquals(200, response.status(), new String(response.body(), StandardCharsets.UTF_8));
    return new Message(response.body());
  }

  @Test
  void doh3AnswersGetAndPostAndRejectsWhatDohRejects() throws Exception {
    try (QuicTestClient client = QuicTestClient.connect(addresses.get("https3"), "h3")) {
      byte[] query = DnsClient.newQuery("www.example.org.", Type.AAAA).toWire();
      query[0] = 0;
      query[1] = 0;
      QuicTestClient.Http3Response get = client.request("GET",
          "/dns-query?dns=" + Base64.getUrlEncoder().withoutPadding().encodeToString(query), Map.of(), null);
      assertEquals(200, get.status());
      assertEquals("application/dns-message", get.headers().get("content-type"));
      assertEquals("max-age=60", get.headers().get("cache-control"));
      Message answer = new Message(get.body());
      assertEquals(0, answer.getHeader().getID());
      assertEquals(Rcode.NOERROR, answer.getRcode());
      assertEquals(Type.AAAA, answer.getSection(Section.ANSWER).get(0).getType());

      assertEquals(415, client.request("POST", "/dns-query", Map.of("content-type", "text/plain"), query).status());
      assertEquals(400, client.request("POST", "/dns-query", Map.of("content-type", "application/dns-message"),
          "not a DNS message, really not".getBytes(StandardCharsets.US_ASCII)).status());
      assertEquals(400, client.request("GET", "/dns-query?dns=%%%", Map.of(), null).status());
      assertEquals(405, client.request("DELETE", "/dns-query", Map.of(), null).status());
      assertEquals(404, client.request("GET", "/other", Map.of(), null).status());
      assertEquals(413, client.request("POST", "/dns-query", Map.of("content-type", "application/dns-message"),
          new byte[70_000]).status());
    }
    String label = server.listeners().stream().filter(l -> l.label().startsWith("https3")).findFirst().orElseThrow().label();
    assertTrue(server.metricValue("coredns_dns_https3_responses_total", "https3://:0", "400") >= 2, label);
    assertTrue(server.metricValue("coredns_dns_https3_responses_total", "https3://:0", "200") >= 1);
    // whoever broke the rules, the listener answers the next client
    try (QuicTestClient client = QuicTestClient.connect(addresses.get("https3"), "h3")) {
      assertEquals(Rcode.NOERROR, doh3(client, "mail.example.org.", Type.MX).getRcode());
    }
  }
}
