package dev.corvus.dns.plugin.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.testkit.peers.Peers;
import dev.corvus.dns.testkit.peers.ProxyBalancer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code proxyproto} on {@code https://}: a load balancer (a relay in this test, as HAProxy)
 * puts a PROXY header before the client's TLS and HTTP/2 (curl), or the client sends one itself
 * (curl's {@code --haproxy-protocol}, a Java socket before TLS and HTTP/1.1); {@code whoami} and
 * {@code acl} see the client the header names, and peers outside {@code allow} get the block's
 * {@code default}.
 */
class DohProxyProtocolTest {

  @TempDir
  static Path dir;
  static Corvus used;
  static Corvus rejecting;
  static Corvus ignoring;

  @BeforeAll
  static void start() throws Exception {
    Peers.certificate(dir);
    used = start("used", "allow 127.0.0.1/32");
    rejecting = start("rejecting", "allow 10.0.0.0/8\n        default reject");
    ignoring = start("ignoring", "allow 10.0.0.0/8");
  }

  private static Corvus start(String name, String proxyproto) throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile-" + name), """
        https://whoami.test:0 {
            tls cert.pem key.pem
            proxyproto {
                %s
            }
            acl {
                block net 192.0.2.66/32
            }
            whoami
        }
        """.formatted(proxyproto));
    return Corvus.builder().corefile(corefile).dnsPort(0).start();
  }

  @AfterAll
  static void stop() {
    for (Corvus server : new Corvus[] {used, rejecting, ignoring}) {
      if (server != null) {
        server.close();
      }
    }
  }

  private static InetSocketAddress doh(Corvus server) {
    return server.listeners().get(0).stream();
  }

  @Test
  void aBalancersV2HeaderNamesTheClientOfCurlsHttp2Requests() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(doh(used), ProxyBalancer.v2("192.0.2.7", 5353, doh(used)))) {
      Answer answer = curl(balancer.port(), "--http2");
      assertEquals("200 2", answer.status(), answer.text());
      assertEquals("192.0.2.7", whoamiAddress(answer.message()));
    }
  }

  @Test
  void aclSeesTheClientAV1HeaderNames() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(doh(used), ProxyBalancer.v1("192.0.2.66", 40000))) {
      Answer answer = curl(balancer.port(), "--http2");
      assertEquals("200 2", answer.status(), answer.text());
      assertEquals(Rcode.REFUSED, answer.message().getRcode(), "acl blocks 192.0.2.66: " + answer.message());
    }
  }

  @Test
  void curlsOwnHeaderAndNoHeaderAreBothServedFromAnAllowedPeer() throws Exception {
    Answer withHeader = curl(doh(used).getPort(), "--http2", "--haproxy-protocol");
    assertEquals("200 2", withHeader.status(), withHeader.text());
    assertEquals("127.0.0.1", whoamiAddress(withHeader.message()));
    Answer without = curl(doh(used).getPort(), "--http2");
    assertEquals("200 2", without.status(), without.text());
    assertEquals("127.0.0.1", whoamiAddress(without.message()));
  }

  @Test
  void aHeaderBeforeTlsAndHttp11FromAJavaSocket() throws Exception {
    InetSocketAddress server = doh(used);
    try (Socket tcp = new Socket(server.getAddress(), server.getPort())) {
      tcp.getOutputStream().write(("PROXY TCP4 192.0.2.9 127.0.0.1 6000 " + server.getPort() + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      SSLSocket tls = (SSLSocket) trustingFactory().createSocket(tcp, "127.0.0.1", server.getPort(), true);
      tls.setSoTimeout(10_000);
      String query = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(DohListenerTest.queryWire("whoami.test.", Type.A, 7));
      tls.getOutputStream().write(("GET /dns-query?dns=" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] response = tls.getInputStream().readAllBytes();
      String head = new String(response, StandardCharsets.ISO_8859_1);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      int body = head.indexOf("\r\n\r\n") + 4;
      Message answer = new Message(java.util.Arrays.copyOfRange(response, body, response.length));
      assertEquals("192.0.2.9", whoamiAddress(answer));
    }
  }

  @Test
  void aPeerOutsideAllowWithDefaultRejectIsClosedWhenItSendsAHeaderAndServedWithout() throws Exception {
    double before = rejecting.metricValue("corvus_proxyproto_refused_total", "tcp", "rejected");
    Answer refused = curl(doh(rejecting).getPort(), "--http2", "--haproxy-protocol");
    assertNotEquals(0, refused.exitCode(), refused.text());
    assertEquals(before + 1, rejecting.metricValue("corvus_proxyproto_refused_total", "tcp", "rejected"));
    Answer served = curl(doh(rejecting).getPort(), "--http2");
    assertEquals("200 2", served.status(), served.text());
    assertEquals("127.0.0.1", whoamiAddress(served.message()));
  }

  @Test
  void aPeerOutsideAllowWithDefaultIgnoreHasItsHeaderReadAndDropped() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(doh(ignoring), ProxyBalancer.v2("192.0.2.7", 5353, doh(ignoring)))) {
      Answer answer = curl(balancer.port(), "--http2");
      assertEquals("200 2", answer.status(), answer.text());
      assertEquals("127.0.0.1", whoamiAddress(answer.message()), "the balancer is the client");
    }
  }

  @Test
  void aMalformedHeaderClosesTheConnection() throws Exception {
    try (ProxyBalancer balancer = new ProxyBalancer(doh(used), "PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII))) {
      double before = used.metricValue("corvus_proxyproto_refused_total", "tcp", "invalid");
      Answer answer = curl(balancer.port(), "--http2");
      assertNotEquals(0, answer.exitCode(), answer.text());
      assertEquals(before + 1, used.metricValue("corvus_proxyproto_refused_total", "tcp", "invalid"));
    }
  }

  /** What curl got: its exit code, {@code %{http_code} %{http_version}}, the body as DNS. */
  record Answer(int exitCode, String status, String text, byte[] body) {
    Message message() throws IOException {
      return new Message(body);
    }
  }

  private static Answer curl(int port, String... options) throws Exception {
    Path query = Files.write(dir.resolve("query-" + port + ".bin"), DohListenerTest.queryWire("whoami.test.", Type.A, 0));
    Path out = dir.resolve("answer-" + port + ".bin");
    Files.deleteIfExists(out);
    List<String> command = new ArrayList<>(List.of(Peers.require("curl", "curl"), "-sS", "--max-time", "20",
        "--cacert", dir.resolve("cert.pem").toString(), "-o", out.toString(), "-w", "%{http_code} %{http_version}",
        "-H", "content-type: application/dns-message", "--data-binary", "@" + query));
    command.addAll(List.of(options));
    command.add("https://127.0.0.1:" + port + "/dns-query");
    Peers.Output run = Peers.run(command.toArray(String[]::new));
    byte[] body = Files.exists(out) ? Files.readAllBytes(out) : new byte[0];
    String text = run.text();
    return new Answer(run.exitCode(), text.length() >= 5 ? text.substring(text.length() - 5) : text, text, body);
  }

  /** The address whoami reports: the client the server saw. */
  private static String whoamiAddress(Message answer) {
    for (Record record : answer.getSection(Section.ADDITIONAL)) {
      if (record instanceof ARecord a) {
        return a.getAddress().getHostAddress();
      }
    }
    throw new AssertionError("no A record in whoami's answer: " + answer);
  }

  private static SSLSocketFactory trustingFactory() throws Exception {
    return DohListenerTest.tlsContext(dir).getSocketFactory();
  }
}
