package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** DNS over TLS to an upstream with a self-signed certificate. */
class TlsUpstreamTest {

  @TempDir static Path directory;
  static TestCertificates certificates;

  @BeforeAll
  static void generateCertificate() throws Exception {
    certificates = TestCertificates.generate(directory);
  }

  @Test
  void forwardsOverTlsVerifyingTheUpstreamsIpAddress() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.startTls("10.0.0.7", certificates.serverContext());
        ForwardHarness forward =
            new ForwardHarness(
                "forward . tls://" + up.hostPort() + " {\n tls " + certificates.certificatePem() + "\n}")) {
      assertEquals("10.0.0.7", firstAddress(forward.query("secure.example.", Type.A)));
      assertEquals("10.0.0.7", firstAddress(forward.query("again.example.", Type.A)));
      assertEquals(1, up.tcpConnections(), "the TLS connection is reused");
      assertEquals(2, up.tcpQueries(), "both queries went over the TLS connection");
      assertEquals(1, forward.metricValue("coredns_proxy_conn_cache_hits_total", "forward", up.hostPort(), "tcp-tls"));
    }
  }

  @Test
  void tlsServerNameIsVerified() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.startTls("10.0.0.7", certificates.serverContext());
        ForwardHarness right =
            new ForwardHarness(
                "forward . tls://" + up.hostPort() + " {\n tls " + certificates.certificatePem()
                    + "\n tls_servername upstream.test\n}");
        ForwardHarness wrong =
            new ForwardHarness(
                "forward . tls://" + up.hostPort() + " {\n tls " + certificates.certificatePem()
                    + "\n tls_servername other.test\n read_timeout 300ms\n health_check 5s\n}")) {
      assertEquals("10.0.0.7", firstAddress(right.query("named.example.", Type.A)));
      assertEquals(Rcode.SERVFAIL, wrong.query("mitm.example.", Type.A).getRcode());
      assertEquals(0, up.queries("mitm.example."));
    }
  }

  /** CoreDNS's per-upstream server name: tls://IP%NAME:PORT verifies NAME for that upstream only. */
  @Test
  void aTlsServerNameWrittenWithTheUpstreamIsVerified() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.startTls("10.0.0.7", certificates.serverContext());
        ForwardHarness right =
            new ForwardHarness(
                "forward . tls://127.0.0.1%upstream.test:" + up.port() + " {\n tls " + certificates.certificatePem()
                    + "\n}");
        ForwardHarness wrong =
            new ForwardHarness(
                "forward . tls://127.0.0.1%other.test:" + up.port() + " {\n tls " + certificates.certificatePem()
                    + "\n read_timeout 300ms\n health_check 5s\n}")) {
      assertEquals("10.0.0.7", firstAddress(right.query("named.example.", Type.A)));
      assertEquals(Rcode.SERVFAIL, wrong.query("mitm.example.", Type.A).getRcode());
      assertEquals(0, up.queries("mitm.example."));
    }
  }
}
