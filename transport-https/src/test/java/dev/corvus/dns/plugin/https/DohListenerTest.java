package dev.corvus.dns.plugin.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.peers.Peers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over HTTPS with real clients: kdig's {@code +https} (POST and GET over HTTP/2), curl as a
 * browser uses DoH ({@code --doh-url}) and as a raw client over HTTP/2 and HTTP/1.1, and sockets
 * sending what no client should.
 */
class DohListenerTest {

  static final String ZONE = """
      $ORIGIN example.org.
      @    3600 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300
      @    3600 IN NS  ns.example.org.
      ns   3600 IN A   127.0.0.1
      www   300 IN A   127.0.0.1
      www    60 IN AAAA ::1
      mail  600 IN MX  10 www.example.org.
      """;

  @TempDir
  static Path dir;
  static Corvus server;
  static InetSocketAddress doh;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    Peers.certificate(dir);
    Files.writeString(dir.resolve("db.example.org"), ZONE);
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        https://example.org:0 {
            tls cert.pem key.pem
            file db.example.org
            prometheus 127.0.0.1:0
        }
        """);
    server = Corvus.builder().corefile(corefile).dnsPort(0).start();
    doh = server.listeners().get(0).stream();
    url = "https://127.0.0.1:" + doh.getPort() + "/dns-query";
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String kdig(String... args) throws Exception {
    String kdig = Peers.require("kdig", "knot-dnsutils");
    String[] command = new String[args.length + 5];
    command[0] = kdig;
    command[1] = "@127.0.0.1";
    command[2] = "-p";
    command[3] = Integer.toString(doh.getPort());
    command[4] = "+tls-ca=" + dir.resolve("cert.pem");
    System.arraycopy(args, 0, command, 5, args.length);
    Peers.Output out = Peers.run(command);
    assertEquals(0, out.exitCode(), out.text());
    return out.text();
  }

  private static Peers.Output curl(String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
        Peers.require("curl", "curl"), "-sS", "--max-time", "20", "--cacert", dir.resolve("cert.pem").toString()));
    command.addAll(java.util.List.of(args));
    return Peers.run(command.toArray(String[]::new));
  }

  @Test
  void kdigQueriesOverHttpsWithPostAndGet() throws Exception {
    String post = kdig("+https", "www.example.org", "A");
    assertTrue(post.contains("status: NOERROR"), post);
    assertTrue(post.matches("(?s).*www\\.example\\.org\\.\\s+300\\s+IN\\s+A\\s+127\\.0\\.0\\.1.*"), post);
    assertTrue(post.contains("HTTP/2-POST"), post);
    String get = kdig("+https", "+https-get", "mail.example.org", "MX");
    assertTrue(get.contains("HTTP/2-GET"), get);
    assertTrue(get.matches("(?s).*mail\\.example\\.org\\.\\s+600\\s+IN\\s+MX\\s+10 www\\.example\\.org\\..*"), get);
    String nxdomain = kdig("+https", "nope.example.org", "A");
    assertTrue(nxdomain.contains("status: NXDOMAIN"), nxdomain);
  }

  @Test
  void curlResolvesAHostThroughTheDohUrl() throws Exception {
    // curl looks www.example.org up at the DoH listener, then fetches a page from what it got.
    HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext("/", exchange -> {
      byte[] body = "served\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    web.start();
    try {
      Peers.Output out = curl("-4", "--doh-url", url, "http://www.example.org:" + web.getAddress().getPort() + "/");
      assertEquals(0, out.exitCode(), out.text());
      assertEquals("served\n", out.text());
    } finally {
      web.stop(0);
    }
  }

  @Test
  void postAndGetAnswerOverHttp2AndHttp11WithCacheControlFromTheSmallestTtl() throws Exception {
    byte[] query = queryWire("www.example.org.", Type.AAAA, 0);
    Path body = Files.write(dir.resolve("aaaa.bin"), query);
    for (String version : new String[] {"--http2", "--http1.1"}) {
      Path out = dir.resolve("answer" + version + ".bin");
      Peers.Output post = curl(version, "-D", "-", "-o", out.toString(), "-H", "content-type: application/dns-message",
          "--data-binary", "@" + body, "-w", "%{http_code} %{http_version}\\n", url);
      assertEquals(0, post.exitCode(), post.text());
      String expectedVersion = version.equals("--http2") ? "200 2" : "200 1.1";
      assertTrue(post.text().contains(expectedVersion), post.text());
      assertTrue(post.text().toLowerCase().contains("cache-control: max-age=60"), post.text());
      assertTrue(post.text().toLowerCase().contains("content-type: application/dns-message"), post.text());
      Message answer = new Message(Files.readAllBytes(out));
      assertEquals(0, answer.getHeader().getID(), "RFC 8484 §4.1: the ID 0 of the query comes back");
      assertEquals("0:0:0:0:0:0:0:1", answer.getSection(Section.ANSWER).get(0).rdataToString());
    }
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(queryWire("mail.example.org.", Type.MX, 4242));
    Path out = dir.resolve("get.bin");
    Peers.Output get = curl("-o", out.toString(), "-w", "%{http_code}", url + "?dns=" + encoded);
    assertEquals("200", get.text(), get.text());
    Message answer = new Message(Files.readAllBytes(out));
    assertEquals(4242, answer.getHeader().getID());
    assertEquals(Rcode.NOERROR, answer.getRcode());
  }

  @Test
  void badRequestsGetTheirHttpStatusAndAreCounted() throws Exception {
    Path query = Files.write(dir.resolve("q.bin"), queryWire("www.example.org.", Type.A, 0));
    Path notDns = Files.writeString(dir.resolve("text.bin"), "this is not a DNS message at all");
    Path big = Files.write(dir.resolve("big.bin"), new byte[70_000]);
    double before400 = server.metricValue("coredns_dns_https_responses_total", label(), "400");
    String[][] cases = {
        {"400", url + "?dns=not*base64"},
        {"400", url + "?dns=%%%"},
        {"400", url + "?dns=" + Base64.getUrlEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}).replace("=", "") + "&dns=AAAA"},
        {"400", url},
        {"404", "https://127.0.0.1:" + doh.getPort() + "/resolve?dns=AAAA"},
        {"405", "-X", "PUT", "--data-binary", "@" + query, url},
        {"415", "-H", "content-type: application/json", "--data-binary", "@" + query, url},
        {"400", "-H", "content-type: application/dns-message", "--data-binary", "@" + notDns, url},
        {"413", "-H", "content-type: application/dns-message", "--data-binary", "@" + big, url},
    };
    for (String[] testCase : cases) {
      String[] args = new String[testCase.length + 2];
      args[0] = "-o";
      args[1] = "/dev/null";
      args[2] = "-w%{http_code}";
      System.arraycopy(testCase, 1, args, 3, testCase.length - 1);
      Peers.Output out = curl(args);
      assertEquals(testCase[0], out.text(), String.join(" ", testCase));
    }
    assertEquals(before400 + 5, server.metricValue("coredns_dns_https_responses_total", label(), "400"));
    assertTrue(server.metricValue("coredns_dns_https_responses_total", label(), "413") >= 1);
    assertTrue(server.metricValue("coredns_dns_https_responses_total", label(), "415") >= 1);
    // and the server still answers
    assertTrue(kdig("+https", "www.example.org").contains("127.0.0.1"));
  }

  @Test
  void malformedHttpGetsA400AndTheConnectionClosed() throws Exception {
    try (SSLSocket socket = tlsSocket(doh)) {
      OutputStream out = socket.getOutputStream();
      out.write("GARBAGE\u0001 / HTTP/9\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(response.startsWith("HTTP/1.1 400"), response);
      assertFalse(response.contains("Exception"), response);
    }
    assertTrue(kdig("+https", "www.example.org").contains("127.0.0.1"));
  }

  @Test
  void aClientThatStartsARequestAndStallsIsDisconnected() throws Exception {
    try (SSLSocket socket = tlsSocket(doh)) {
      socket.getOutputStream().write("POST /dns-query HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.setSoTimeout(15_000);
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      try {
        assertEquals(-1, in.read(), "the server closes the connection");
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still open after 15 s", e);
      } catch (java.net.SocketException e) {
        // reset: closed as well
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds < 10, "closed by the 3 s request deadline, not the idle timeout: " + seconds);
    }
  }

  @Test
  void anHttp2StreamWhoseBodyNeverEndsIsResetAtTheRequestDeadline() throws Exception {
    try (SSLSocket socket = tlsSocket(doh)) {
      javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      assertEquals("h2", socket.getApplicationProtocol());
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS, none
      java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
      block.write(0x83); // :method POST (static table)
      block.write(0x87); // :scheme https
      literal(block, 0x04, "/dns-query"); // :path, name from the static table
      literal(block, 0x0f, "application/dns-message"); // content-type (index 31: 15 + 16)
      out.write(frame(0x1, 0x4, 1, block.toByteArray())); // HEADERS, END_HEADERS, no END_STREAM
      out.write(frame(0x0, 0, 1, new byte[] {0, 0})); // two bytes of body, then nothing
      out.flush();
      socket.setSoTimeout(15_000);
      long start = System.nanoTime();
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      while (true) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (type == 0x3 && stream == 1) {
          assertEquals(0x8, java.nio.ByteBuffer.wrap(payload).getInt(), "RST_STREAM with CANCEL");
          break;
        }
        assertTrue(type != 0x1 && type != 0x7, "no answer nor GOAWAY before the reset: frame type " + type);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds > 2 && seconds < 10, "reset by the 3 s request deadline: " + seconds);
    }
    assertTrue(kdig("+https", "www.example.org").contains("127.0.0.1"));
  }

  /** An HPACK literal without indexing; {@code prefix} is its first byte (name index). */
  private static void literal(java.io.ByteArrayOutputStream block, int prefix, String value) {
    if (prefix == 0x0f) {
      // content-type's index continues in the next byte: the value comes after it
      block.write(prefix);
      block.write(0x10);
      block.write(value.length());
      block.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
      return;
    }
    block.write(prefix);
    block.write(value.length());
    block.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(9 + payload.length);
    frame.put((byte) (payload.length >>> 16)).putShort((short) payload.length).put((byte) type).put((byte) flags)
        .putInt(stream).put(payload);
    return frame.array();
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAndTheTransportIsTcp() throws Exception {
    Path corefile = Files.writeString(dir.resolve("Corefile-whoami"), """
        https://whoami.test:0 {
            tls cert.pem key.pem
            https {
                max_connections 3
            }
            whoami
        }
        """);
    try (Corvus limited = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      limitedConnections(limited.listeners().get(0).stream());
    }
  }

  @Test
  void anIdleConnectionIsClosedAtTheBlocksIdleTimeout() throws Exception {
    // Plain HTTP/1.1 (no tls: behind a TLS-terminating proxy), so the socket shows the close.
    Path corefile = Files.writeString(dir.resolve("Corefile-idle"), """
        https://whoami.test:0 {
            timeouts {
                idle 1s
                read 20s
            }
            whoami
        }
        """);
    try (Corvus idle = Corvus.builder().corefile(corefile).dnsPort(0).start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), idle.listeners().get(0).stream().getPort())) {
      socket.setSoTimeout(5_000); // well before the default idle timeout, 10 s
      String dns = Base64.getUrlEncoder().withoutPadding().encodeToString(queryWire("whoami.test.", Type.A, 0));
      OutputStream out = socket.getOutputStream();
      out.write(("GET /dns-query?dns=" + dns + " HTTP/1.1\r\nHost: whoami.test\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] first = new byte[12];
      int got = in.readNBytes(first, 0, first.length);
      long answered = System.nanoTime();
      assertEquals("HTTP/1.1 200", new String(first, 0, got, StandardCharsets.US_ASCII));
      int read;
      try {
        while ((read = in.read()) != -1) {
          // the rest of the answer
        }
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      long millis = (System.nanoTime() - answered) / 1_000_000;
      assertEquals(-1, read, "the server closed the kept-alive connection");
      assertTrue(millis >= 900, "closed after " + millis + " ms, before the idle timeout");
    }
  }

  private static void limitedConnections(InetSocketAddress whoami) throws Exception {
    String kdigPath = Peers.require("kdig", "knot-dnsutils");
    Peers.Output who = Peers.run(kdigPath, "@127.0.0.1", "-p", Integer.toString(whoami.getPort()), "+https", "whoami.test");
    // whoami names the protocol as CoreDNS's request.Proto(): DoH is tcp
    assertTrue(who.text().contains("_tcp.whoami.test."), who.text());
    SSLSocket[] held = new SSLSocket[3];
    try {
      for (int i = 0; i < held.length; i++) {
        held[i] = tlsSocket(whoami);
        held[i].startHandshake();
      }
      try (Socket extra = new Socket(whoami.getAddress(), whoami.getPort())) {
        extra.setSoTimeout(10_000);
        int read;
        try {
          read = extra.getInputStream().read();
        } catch (java.net.SocketException e) {
          read = -1;
        }
        assertEquals(-1, read, "the fourth connection is closed at once");
      }
    } finally {
      for (SSLSocket socket : held) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  static String label() {
    return "https://:0";
  }

  static byte[] queryWire(String name, int type, int id) {
    Message query = DnsClient.newQuery(name, type);
    query.getHeader().setID(id);
    return query.toWire();
  }

  static SSLSocket tlsSocket(InetSocketAddress address) throws Exception {
    return tlsSocketFor(dir, address);
  }

  /** A TLS context trusting {@code certDir}'s {@code cert.pem}. */
  static SSLContext tlsContext(Path certDir) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certDir.resolve("cert.pem"))) {
      trust.setCertificateEntry("corvus", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** A TLS socket to {@code address} trusting {@code certDir}'s {@code cert.pem}. */
  static SSLSocket tlsSocketFor(Path certDir, InetSocketAddress address) throws Exception {
    SSLContext context = tlsContext(certDir);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }
}
