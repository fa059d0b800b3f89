package dev.corvus.dns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.plugin.SelfCheck;
import dev.corvus.dns.api.plugin.SelfCheck.Finding;
import dev.corvus.dns.api.plugin.SelfCheck.Severity;
import dev.corvus.dns.testkit.PluginTestKit;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code corvus doctor} finds about a forward that was created but never started. */
class ForwardSelfCheckTest {

  private static final Duration TIMEOUT = Duration.ofMillis(300);
  /**
   * For probes that must get through a TLS handshake, to succeed or to fail it: one (the JVM's
   * first included) takes longer than {@link #TIMEOUT} on a loaded machine (2 cores shared by
   * several builds).
   */
  private static final Duration ANSWERED_TIMEOUT = Duration.ofSeconds(5);

  @TempDir static Path certificateDirectory;
  static TestCertificates certificates;

  @TempDir Path directory;

  @BeforeAll
  static void generateCertificate() throws Exception {
    certificates = TestCertificates.generate(certificateDirectory);
  }

  @Test
  void workingUpstreamIsOkOverUdpAndTcp() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1")) {
      List<Finding> findings = check("forward . " + up.hostPort());

      assertEquals(2, findings.size(), findings.toString());
      assertFinding(findings, Severity.OK, "upstream " + up.hostPort() + " over UDP", "answered NOERROR in ");
      assertFinding(findings, Severity.OK, "upstream " + up.hostPort() + " over TCP", "answered NOERROR in ");
      assertEquals(2, up.queries("."), "the health-check question, once per transport");
      assertEquals(1, up.tcpQueries());
    }
  }

  @Test
  void upstreamWithNothingListeningIsAProblemOnBothTransports() throws Exception {
    int port = unusedPort();
    List<Finding> findings = check("forward . 127.0.0.1:" + port);

    String subject = "upstream 127.0.0.1:" + port;
    Finding udp = find(findings, subject + " over UDP");
    assertEquals(Severity.PROBLEM, udp.severity(), udp.toString());
    assertTrue(udp.detail().endsWith("check the address, firewall, or that a DNS server listens there"), udp.detail());
    assertTrue(
        udp.detail().startsWith("no answer over UDP within 300 ms") || udp.detail().startsWith("port unreachable over UDP"),
        udp.detail());
    assertFinding(findings, Severity.PROBLEM, subject + " over TCP", "connection refused over TCP: check the address");
  }

  @Test
  void silentUpstreamTimesOutWithTheGivenTimeout() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1")) {
      up.mode(FaultyUpstream.Mode.DROP);
      long start = System.nanoTime();
      List<Finding> findings = check("forward . " + up.hostPort());
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertFinding(findings, Severity.PROBLEM, "upstream " + up.hostPort() + " over UDP",
          "no answer over UDP within 300 ms: check the address, firewall, or that a DNS server listens there");
      assertFinding(findings, Severity.PROBLEM, "upstream " + up.hostPort() + " over TCP", "no answer over TCP within 300 ms");
      assertTrue(tookMillis < 3000, "two probes of 300 ms took " + tookMillis + " ms");
    }
  }

  @Test
  void loopbackStubResolverInResolvConfIsAForwardingLoop() throws Exception {
    Path resolvConf = directory.resolve("resolv.conf");
    Files.writeString(resolvConf, "# systemd-resolved stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\n");
    List<Finding> findings = check("forward . resolv.conf");

    assertFinding(findings, Severity.PROBLEM, "resolv.conf " + resolvConf,
        "forwarding loop: " + resolvConf + " names loopback stub resolver 127.0.0.53; point forward at the node's"
            + " real upstreams (e.g. /run/systemd/resolve/resolv.conf) or at explicit addresses");
    find(findings, "upstream 127.0.0.53:53 over UDP");
  }

  @Test
  void missingOrEmptyResolvConfIsAProblem() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start("10.0.0.1")) {
      Path resolvConf = directory.resolve("resolv.conf");
      Files.writeString(resolvConf, "search example.org\n");
      try (PluginTestKit kit = new PluginTestKit().baseDirectory(directory)) {
        SelfCheck plugin = (SelfCheck) kit.create(new ForwardFactory(), "forward . resolv.conf " + up.hostPort());

        assertFinding(plugin.check(TIMEOUT), Severity.PROBLEM, "resolv.conf " + resolvConf, "names no nameserver");
        Files.delete(resolvConf);
        List<Finding> findings = plugin.check(TIMEOUT);
        assertFinding(findings, Severity.PROBLEM, "resolv.conf " + resolvConf, "does not exist");
        assertFinding(findings, Severity.OK, "upstream " + up.hostPort() + " over UDP", "answered NOERROR");
      }
    }
  }

  @Test
  void tlsUpstreamIsCheckedOverTlsOnly() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.startTls("10.0.0.7", certificates.serverContext())) {
      List<Finding> good = check(
          "forward . tls://" + up.hostPort() + " {\n tls " + certificates.certificatePem() + "\n}", ANSWERED_TIMEOUT);
      assertEquals(1, good.size(), good.toString());
      assertFinding(good, Severity.OK, "upstream " + up.hostPort() + " over TLS", "answered NOERROR in ");

      List<Finding> wrongName = check("forward . tls://" + up.hostPort() + " {\n tls " + certificates.certificatePem()
          + "\n tls_servername other.test\n}", ANSWERED_TIMEOUT);
      assertFinding(wrongName, Severity.PROBLEM, "upstream " + up.hostPort() + " over TLS", "TLS handshake failed");
    }
  }

  /**
   * tls files that loaded when the Corefile was read but no longer do are a problem of their own,
   * not a failed handshake: no query is sent.
   */
  @Test
  void tlsFilesThatNoLongerLoadAreReportedAsSuch() throws Exception {
    Path ca = Files.copy(certificates.certificatePem(), directory.resolve("ca.pem"));
    int port = unusedPort();
    try (PluginTestKit kit = new PluginTestKit().baseDirectory(directory)) {
      SelfCheck plugin = (SelfCheck) kit.create(new ForwardFactory(),
          "forward . tls://127.0.0.1:" + port + " https://127.0.0.1:" + port + " {\n tls " + ca + "\n}");
      Files.writeString(ca, "not a certificate any more\n");
      List<Finding> findings = plugin.check(TIMEOUT);
      for (String over : List.of("TLS", "HTTPS")) {
        Finding finding = find(findings, "upstream 127.0.0.1:" + port + " over " + over);
        assertEquals(Severity.PROBLEM, finding.severity(), finding.toString());
        assertTrue(finding.detail().startsWith("cannot load the tls files: "), finding.toString());
        assertTrue(finding.detail().endsWith(": fix the files of the tls option (no query was sent)"), finding.toString());
      }
    }
  }

  /** An https:// upstream that accepts the connection but never answers the handshake: one deadline. */
  @Test
  void stalledHttpsUpstreamTimesOutWithinTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String to = "127.0.0.1:" + silent.getLocalPort();
      long start = System.nanoTime();
      List<Finding> findings = check("forward . https://" + to);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertFinding(findings, Severity.PROBLEM, "upstream " + to + " over HTTPS", "no answer over HTTPS within 300 ms");
      assertTrue(tookMillis < 3000, "a probe of 300 ms took " + tookMillis + " ms");
    }
  }

  private List<Finding> check(String corefile) throws Exception {
    return check(corefile, TIMEOUT);
  }

  private List<Finding> check(String corefile, Duration timeout) throws Exception {
    try (PluginTestKit kit = new PluginTestKit().baseDirectory(directory)) {
      SelfCheck plugin = (SelfCheck) kit.create(new ForwardFactory(), corefile);
      List<Finding> findings = plugin.check(timeout);
      assertTrue(!findings.isEmpty());
      return findings;
    }
  }

  private static Finding find(List<Finding> findings, String subject) {
    return findings.stream()
        .filter(f -> f.subject().equals(subject))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding about " + subject + " in " + findings));
  }

  private static void assertFinding(List<Finding> findings, Severity severity, String subject, String detailStart) {
    Finding finding = find(findings, subject);
    assertEquals(severity, finding.severity(), finding.toString());
    assertTrue(finding.detail().startsWith(detailStart), finding.toString());
  }

  /** A loopback port on which neither UDP nor TCP listens (bound, then released). */
  private static int unusedPort() throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port;
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        port = udp.getLocalPort();
      }
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (java.io.IOException e) {
        // taken over TCP: try another
      }
    }
    throw new IllegalStateException("no unused port");
  }
}
