package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.corvus.dns.api.config.TlsFiles;
import dev.corvus.dns.api.plugin.SelfCheck;
import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import dev.corvus.dns.api.plugin.SelfCheck.Severity;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.PluginTestKit;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Peers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DNS over HTTPS upstreams ({@code forward . https://...}) served by dnsdist's DoH frontend
 * (Debian's dnsdist, not Corvus code), with a certificate for {@code localhost} and 127.0.0.1 from
 * the test kit. dnsdist answers A queries itself: {@value #POST_ANSWER} to a POST, {@value
 * #GET_ANSWER} to a GET (a request with a query string), so the answer says which method reached
 * it; other types get SERVFAIL (it has no backend), which is an answer all the same. Its {@code
 * picky} frontend answers HTTP 403 to {@code fail.example.} and {@value #PICKY_ANSWER} to other A
 * queries, so the answer says which frontend gave it. Every query dnsdist receives is logged with
 * its ID.
 */
class DohUpstreamTest {

  static final String POST_ANSWER = "192.0.2.1";
  static final String GET_ANSWER = "192.0.2.2";
  /** What the {@code picky} frontend answers to an A query it does not refuse. */
  static final String PICKY_ANSWER = "192.0.2.3";
  static final String PLAIN_ANSWER = "192.0.2.9";
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(8);

  @TempDir static Path dir;
  static Process dnsdist;
  static int doh;
  static int picky;
  static int dead;
  static Path queryLog;

  @BeforeAll
  static void startDnsdist() throws Exception {
    String binary = Peers.require("dnsdist", "dnsdist");
    Peers.certificate(dir);
    doh = Peers.freePort();
    picky = Peers.freePort();
    dead = Peers.freePort();
    queryLog = dir.resolve("queries.log");
    String cert = dir.resolve("cert.pem").toString();
    String key = dir.resolve("key.pem").toString();
    Path config = Files.writeString(dir.resolve("dnsdist.conf"), String.join("\n",
        "setSecurityPollSuffix('')",
        "setLocal('127.0.0.1:" + Peers.freePort() + "')",
        "addDOHLocal('127.0.0.1:" + doh + "', '" + cert + "', '" + key + "', '/dns-query')",
        "addDOHLocal('127.0.0.1:" + picky + "', '" + cert + "', '" + key + "', '/dns-query')",
        "setServFailWhenNoServer(true)",
        "addAction(AllRule(), LogAction('" + queryLog + "', false, true, false, false, false))",
        "addAction(AndRule{DSTPortRule(" + picky + "), QNameRule('fail.example.')}, HTTPStatusAction(403, 'no', 'text/plain'))",
        "function byMethod(dq)",
        "  if dq.qtype == DNSQType.A and dq.localaddr:getPort() == " + picky + " then",
        "    return DNSAction.Spoof, '" + PICKY_ANSWER + "'",
        "  end",
        "  if dq.qtype == DNSQType.A then",
        "    local qs = dq:getHTTPQueryString()",
        "    if qs ~= nil and qs ~= '' then return DNSAction.Spoof, '" + GET_ANSWER + "' end",
        "    return DNSAction.Spoof, '" + POST_ANSWER + "'",
        "  end",
        "  return DNSAction.None, ''",
        "end",
        "addAction(AllRule(), LuaAction(byMethod))",
        ""));
    dnsdist = Peers.start(dir.resolve("dnsdist.log"), binary, "--supervised", "--disable-syslog", "-C", config.toString());
    boolean up = Poll.until(Duration.ofSeconds(20), () -> accepts(doh) && accepts(picky));
    assertTrue(up, () -> "dnsdist did not start: " + read(dir.resolve("dnsdist.log")));
    warmUp();
  }

  /**
   * One DoH request to dnsdist with a plain JDK HTTP client, so that the JVM has loaded and
   * initialised its TLS and HTTP/2 classes (seconds on a loaded 2-core machine) before a test's
   * server makes its first exchange within the query's 5 s budget.
   */
  private static void warmUp() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {ProbeTls.trustManager(
        new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(dir.resolve("cert.pem"))))}, null);
    HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_2).build();
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + doh + "/dns-query"))
        .timeout(Duration.ofSeconds(60))
        .header("content-type", DohClient.MEDIA_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(DnsClient.newQuery("warm-up.example.", Type.A).toWire()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode(), "dnsdist answered the warm-up request");
    assertEquals(POST_ANSWER, firstAddress(new Message(response.body())));
  }

  @AfterAll
  static void stopDnsdist() throws InterruptedException {
    Peers.stop(dnsdist);
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines dnsdist logged for queries for {@code name} ({@code name.} and its type). */
  private static List<String> received(String name) {
    return read(queryLog).lines().filter(line -> line.contains(" for " + name + " ")).toList();
  }

  private static Corvus start(String forward) throws Exception {
    return Corvus.builder().corefile(".:0 {\n " + forward + "\n}\n").dnsPort(0).start();
  }

  /**
   * A client that waits longer than the query's 5 s budget, so that a slow answer fails the test
   * by its content rather than by the client's timeout ({@link #warmUp} has loaded the JDK's TLS
   * and HTTP/2 code already).
   */
  private static DnsClient udp(Corvus server) {
    return new DnsClient(server.udpAddress(), CLIENT_TIMEOUT);
  }

  private static DnsClient tcp(Corvus server) {
    return new DnsClient(server.tcpAddress(), CLIENT_TIMEOUT);
  }

  private static String tlsCa() {
    return " tls " + dir.resolve("cert.pem") + "\n";
  }

  @Test
  void postByDefaultOverUdpAndTcpWithIdZeroAndTheClientsIdRestored() throws Exception {
    try (Corvus server = start("forward . https://127.0.0.1:" + doh + " {\n" + tlsCa() + " }")) {
      Message query = DnsClient.newQuery("post.example.", Type.A);
      Message udp = udp(server).udp(query);
      assertEquals(POST_ANSWER, firstAddress(udp), udp::toString);
      assertEquals(query.getHeader().getID(), udp.getHeader().getID());
      Message tcp = tcp(server).tcp("post-tcp.example.", Type.A);
      assertEquals(POST_ANSWER, firstAddress(tcp), tcp::toString);
      // RFC 8484 §4.1: ID 0 on the wire to the DoH server.
      assertEquals(List.of("Packet from 127.0.0.1:" + portOf(received("post.example.").get(0))
          + " for post.example. A with id 0"), received("post.example."));
      String to = "127.0.0.1:" + doh;
      // The second query normally reuses the HTTP/2 connection of the first (a hit), unless dnsdist
      // closed it in between: at least the first is a miss, and each query is counted once.
      double misses = server.metricValue("coredns_proxy_conn_cache_misses_total", "forward", to, "https");
      double hits = server.metricValue("coredns_proxy_conn_cache_hits_total", "forward", to, "https");
      assertTrue(misses >= 1.0, "misses " + misses);
      assertEquals(2.0, hits + misses);
      assertEquals(2.0, server.metricValue("coredns_forward_requests_total", to));
      assertEquals(2.0, server.metricValue("coredns_forward_responses_total", to, "NOERROR"));
    }
  }

  private static String portOf(String logLine) {
    String from = logLine.substring("Packet from 127.0.0.1:".length());
    return from.substring(0, from.indexOf(' '));
  }

  @Test
  void dohMethodGetSendsTheQueryInTheUri() throws Exception {
    try (Corvus server = start("forward . https://127.0.0.1:" + doh + " {\n" + tlsCa() + " doh_method GET\n }")) {
      assertEquals(GET_ANSWER, firstAddress(udp(server).udp("get.example.", Type.A)));
      assertEquals(GET_ANSWER, firstAddress(tcp(server).tcp("get-tcp.example.", Type.A)));
    }
  }

  @Test
  void tlsServerNameIsVerified() throws Exception {
    try (Corvus right = start("forward . https://127.0.0.1:" + doh + " {\n" + tlsCa() + " tls_servername localhost\n }");
        Corvus own = start("forward . https://127.0.0.1%localhost:" + doh + " {\n" + tlsCa() + " }");
        Corvus both = start("forward . https://127.0.0.1%other.example:" + doh + " {\n" + tlsCa()
            + " tls_servername localhost\n }");
        Corvus absolute = start("forward . https://127.0.0.1:" + doh + " {\n" + tlsCa() + " tls_servername localhost.\n }");
        Corvus wrong = start("forward . https://127.0.0.1:" + doh + " {\n" + tlsCa()
            + " tls_servername other.example\n health_check 5s\n }");
        Corvus wrongOwn = start("forward . https://127.0.0.1%other.example:" + doh + " {\n" + tlsCa()
            + " health_check 5s\n }")) {
      assertEquals(POST_ANSWER, firstAddress(udp(right).udp("right.example.", Type.A)));
      assertEquals(POST_ANSWER, firstAddress(udp(own).udp("own.example.", Type.A)));
      // tls_servername wins over an https:// upstream's own name, as in CoreDNS (which ignores %NAME there).
      assertEquals(POST_ANSWER, firstAddress(udp(both).udp("both.example.", Type.A)));
      // The trailing dot is trimmed, as Go's crypto/tls does: SNI and certificate check use localhost.
      assertEquals(POST_ANSWER, firstAddress(udp(absolute).udp("absolute.example.", Type.A)));
      // The certificate names localhost and 127.0.0.1, not other.example: no query is sent.
      assertEquals(Rcode.SERVFAIL, udp(wrong).udp("mitm.example.", Type.A).getRcode());
      assertEquals(Rcode.SERVFAIL, udp(wrongOwn).udp("mitm-own.example.", Type.A).getRcode());
      assertEquals(List.of(), received("mitm.example."));
      assertEquals(List.of(), received("mitm-own.example."));
    }
  }

  @Test
  void withoutACaTheSelfSignedCertificateIsRejected() throws Exception {
    try (Corvus server = start("forward . https://127.0.0.1:" + doh + " {\n health_check 5s\n }")) {
      assertEquals(Rcode.SERVFAIL, udp(server).udp("untrusted.example.", Type.A).getRcode());
      assertEquals(List.of(), received("untrusted.example."));
    }
  }

  /**
   * Nothing listens on the first upstream: the same query goes on to the second, and the health
   * checker, probing the first over DoH, counts its failures until it is down.
   */
  @Test
  void aDeadUpstreamFailsOverToTheNextWithinTheQueryAndIsMarkedDown() throws Exception {
    String deadTo = "127.0.0.1:" + dead;
    try (Corvus server = start("forward . https://" + deadTo + " https://127.0.0.1:" + doh + " {\n" + tlsCa()
        + " policy sequential\n health_check 100ms\n }")) {
      assertEquals(POST_ANSWER, firstAddress(udp(server).udp("failover.example.", Type.A)));
      assertTrue(Poll.until(Duration.ofSeconds(5),
          () -> server.metricValue("corvus_forward_upstream_healthy", deadTo) == 0.0),
          () -> server.scrapeMetrics());
      assertTrue(server.metricValue("coredns_forward_healthcheck_failures_total", deadTo) >= 3.0);
      // Down: skipped without an attempt.
      double attempts = server.metricValue("coredns_forward_requests_total", deadTo);
      assertEquals(POST_ANSWER, firstAddress(tcp(server).tcp("skip.example.", Type.A)));
      assertEquals(attempts, server.metricValue("coredns_forward_requests_total", deadTo));
    }
  }

  /**
   * An HTTP status other than 200 is a failed exchange: the query fails over to the next upstream,
   * and the health check that follows (a DoH query for {@code . NS}, which dnsdist answers) finds
   * the upstream healthy again.
   */
  @Test
  void aNon200StatusFailsOverAndTheHealthCheckOverDohFindsTheUpstreamUp() throws Exception {
    String pickyTo = "127.0.0.1:" + picky;
    int probesBefore = received(".").size();
    try (Corvus server = start("forward . https://" + pickyTo + " https://127.0.0.1:" + doh + " {\n" + tlsCa()
        + " policy sequential\n }")) {
      // Refused with 403 by the first frontend, answered by the second.
      assertEquals(POST_ANSWER, firstAddress(udp(server).udp("fail.example.", Type.A)));
      assertEquals(2, received("fail.example.").size(), "dnsdist saw the query on both frontends");
      assertTrue(Poll.until(Duration.ofSeconds(5), () -> received(".").size() > probesBefore),
          "the health check asked . NS over DoH");
      assertTrue(Poll.until(Duration.ofSeconds(5),
          () -> server.metricValue("coredns_forward_healthcheck_failures_total", pickyTo) == 0.0
              && server.metricValue("corvus_forward_upstream_healthy", pickyTo) == 1.0));
      assertEquals(PICKY_ANSWER, firstAddress(udp(server).udp("fine.example.", Type.A)), "answered by the first upstream");
      assertEquals(1, received("fine.example.").size());
    }
  }

  /** A host-name TO with the https:// scheme: each address it resolves to is a DoH upstream. */
  @Test
  void aHostNameResolvesToDohUpstreams() throws Exception {
    try (Corvus server = start("forward . https://localhost%localhost:" + doh + " {\n" + tlsCa()
        + " policy sequential\n }")) {
      assertEquals(POST_ANSWER, firstAddress(udp(server).udp("by-name.example.", Type.A)));
      assertEquals(1, received("by-name.example.").size());
    }
  }

  /** corvus doctor asks an https:// upstream the health-check question over DoH. */
  @Test
  void doctorProbesHttpsUpstreamsOverDoh() throws Exception {
    try (PluginTestKit kit = new PluginTestKit()) {
      SelfCheck good = (SelfCheck) kit.create(new ForwardFactory(),
          "forward . https://127.0.0.1:" + doh + " {\n" + tlsCa() + " doh_method GET\n}");
      List<Finding> findings = good.check(Duration.ofSeconds(5));
      assertEquals(1, findings.size(), findings::toString);
      assertEquals("upstream 127.0.0.1:" + doh + " over HTTPS", findings.get(0).subject());
      // dnsdist has no backend for NS: SERVFAIL, reachable all the same.
      assertEquals(Severity.WARNING, findings.get(0).severity(), findings::toString);
      assertTrue(findings.get(0).detail().startsWith("answered SERVFAIL in "), findings::toString);

      SelfCheck wrongName = (SelfCheck) kit.create(new ForwardFactory(),
          "forward . https://127.0.0.1:" + doh + " {\n" + tlsCa() + " tls_servername other.example\n}");
      Finding problem = wrongName.check(Duration.ofSeconds(5)).get(0);
      assertEquals(Severity.PROBLEM, problem.severity(), problem::toString);
      assertTrue(problem.detail().startsWith("TLS handshake failed"), problem::toString);

      SelfCheck dead = (SelfCheck) kit.create(new ForwardFactory(), "forward . https://127.0.0.1:" + DohUpstreamTest.dead);
      Finding refused = dead.check(Duration.ofSeconds(5)).get(0);
      assertEquals(Severity.PROBLEM, refused.severity(), refused::toString);
      assertTrue(refused.detail().startsWith("connection refused over HTTPS"), refused::toString);
    }
  }

  /**
   * The JDK's own HTTPS server ({@code com.sun.net.httpserver}, HTTP/1.1), requiring a client
   * certificate signed by the test's client CA, in front of dnsdist ({@code policy sequential},
   * {@code max_fails 0}: no health checks): the {@code tls CERT KEY CA} certificate is presented,
   * the {@code %NAME} is sent as SNI (the URI's host is an IP address), and a forward without a
   * client certificate fails the handshake. It answers GETs by name: {@code plain.example.} with a
   * DNS answer as {@code text/plain} (read, as CoreDNS reads any content type), {@code
   * declared.example.} and {@code chunked.example.} with a DNS message of more than 65,535 bytes
   * (with its content-length, or chunked without one: a failed attempt, dnsdist answers), and
   * anything else with an HTML page (does not parse: a failed attempt).
   */
  @Test
  void theTlsClientCertificateIsPresentedAnyContentTypeIsReadAndLongBodiesFail() throws Exception {
    String openssl = Peers.require("openssl", "openssl");
    Peers.Output made = Peers.run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve("client-key.pem").toString(), "-out", dir.resolve("client.pem").toString(),
        "-days", "2", "-subj", "/CN=corvus-client");
    assertEquals(0, made.exitCode(), made::text);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        ProbeTls.keyManagers(new TlsFiles(Optional.of(dir.resolve("cert.pem")), Optional.of(dir.resolve("key.pem")),
            Optional.empty())),
        new TrustManager[] {ProbeTls.trustManager(
            new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(dir.resolve("client.pem"))))},
        null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters parameters) {
        SSLParameters ssl = context.getDefaultSSLParameters();
        ssl.setNeedClientAuth(true);
        parameters.setSSLParameters(ssl);
      }
    });
    List<String> clients = new CopyOnWriteArrayList<>();
    List<String> sni = new CopyOnWriteArrayList<>();
    server.createContext("/dns-query", exchange -> {
      SSLSession session = ((HttpsExchange) exchange).getSSLSession();
      clients.add(session.getPeerPrincipal().getName());
      ((ExtendedSSLSession) session).getRequestedServerNames()
          .forEach(name -> sni.add(((SNIHostName) name).getAsciiName()));
      String raw = exchange.getRequestURI().getRawQuery();
      Message query = raw != null && raw.startsWith("dns=")
          ? new Message(Base64.getUrlDecoder().decode(raw.substring("dns=".length()))) : null;
      String name = query == null ? "" : query.getQuestion().getName().toString();
      try {
        switch (name) {
          case "plain.example." -> {
            Message answer = answerTo(query);
            answer.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 60,
                InetAddress.getByName(PLAIN_ANSWER)), Section.ANSWER);
            send(exchange, "text/plain", answer.toWire(), false);
          }
          case "declared.example.", "chunked.example." -> {
            Message answer = answerTo(query);
            String text = "x".repeat(250);
            for (int i = 0; i < 300; i++) {
              answer.addRecord(new TXTRecord(query.getQuestion().getName(), DClass.IN, 60, text + i), Section.ANSWER);
            }
            byte[] wire = answer.toWire();
            assertTrue(wire.length > 65535, "the long answer has " + wire.length + " bytes");
            send(exchange, DohClient.MEDIA_TYPE, wire, name.startsWith("chunked"));
          }
          default -> send(exchange, "text/html", "<html>not DNS</html>".getBytes(StandardCharsets.US_ASCII), false);
        }
      } catch (IOException e) {
        // The client stopped reading a long body: nothing more to send.
      } finally {
        exchange.close();
      }
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      String jdk = "https://127.0.0.1%localhost:" + port;
      String options = " tls " + dir.resolve("client.pem") + " " + dir.resolve("client-key.pem") + " "
          + dir.resolve("cert.pem") + "\n doh_method GET\n";
      String forward = "forward . " + jdk + " https://127.0.0.1:" + doh + " {\n" + options
          + " policy sequential\n max_fails 0\n }";
      String jdkTo = "127.0.0.1:" + port;
      try (Corvus withCertificate = start(forward)) {
        DnsClient client = udp(withCertificate);
        assertEquals(PLAIN_ANSWER, firstAddress(client.udp("plain.example.", Type.A)), "a text/plain DNS answer is read");
        assertEquals(1.0, withCertificate.metricValue("coredns_forward_responses_total", jdkTo, "NOERROR"));
        assertEquals(GET_ANSWER, firstAddress(client.udp("html.example.", Type.A)), "an HTML page fails over");
        assertEquals(GET_ANSWER, firstAddress(client.udp("declared.example.", Type.A)), "content-length > 65535");
        assertEquals(GET_ANSWER, firstAddress(client.udp("chunked.example.", Type.A)), "a chunked body > 65535");
        assertEquals(1.0, withCertificate.metricValue("coredns_forward_responses_total", jdkTo, "NOERROR"));
        assertEquals(4.0, withCertificate.metricValue("coredns_forward_requests_total", jdkTo));
      }
      assertTrue(!clients.isEmpty() && clients.stream().allMatch("CN=corvus-client"::equals), clients::toString);
      assertTrue(sni.stream().allMatch("localhost"::equals) && sni.size() == clients.size(), "%NAME is sent as SNI: " + sni);

      try (PluginTestKit kit = new PluginTestKit()) {
        SelfCheck doctor = (SelfCheck) kit.create(new ForwardFactory(), "forward . " + jdk + " {\n" + options + "}");
        Finding finding = doctor.check(Duration.ofSeconds(5)).get(0);
        assertEquals(Severity.PROBLEM, finding.severity(), finding::toString);
        assertTrue(finding.detail().contains("DoH answer does not parse"), finding::toString);
        SelfCheck longBody = (SelfCheck) kit.create(new ForwardFactory(), "forward . " + jdk + " {\n" + options
            + " health_check 5s domain chunked.example\n}");
        Finding tooLong = longBody.check(Duration.ofSeconds(5)).get(0);
        assertEquals(Severity.PROBLEM, tooLong.severity(), tooLong::toString);
        assertTrue(tooLong.detail().contains("DoH answer is longer than 65535 bytes"), tooLong::toString);
      }

      int asked = clients.size();
      try (Corvus withoutCertificate = start("forward . " + jdk + " {\n tls "
          + dir.resolve("cert.pem") + "\n health_check 5s\n }")) {
        assertEquals(Rcode.SERVFAIL, udp(withoutCertificate).udp("no-cert.example.", Type.A).getRcode());
      }
      assertEquals(asked, clients.size(), "no request without a client certificate");
    } finally {
      server.stop(0);
    }
  }

  private static Message answerTo(Message query) {
    Message answer = new Message(query.getHeader().getID());
    answer.getHeader().setFlag(Flags.QR);
    answer.getHeader().setFlag(Flags.RD);
    answer.getHeader().setFlag(Flags.RA);
    answer.addRecord(query.getQuestion(), Section.QUESTION);
    return answer;
  }

  /** Sends {@code body} with its content-length, or chunked without one. */
  private static void send(HttpExchange exchange, String type, byte[] body, boolean chunked) throws IOException {
    exchange.getResponseHeaders().set("content-type", type);
    exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
