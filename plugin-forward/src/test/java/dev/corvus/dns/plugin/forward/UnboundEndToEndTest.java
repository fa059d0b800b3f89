package dev.corvus.dns.plugin.forward;

import static dev.corvus.dns.plugin.forward.ForwardHarness.firstAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corvus.dns.api.Transport;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Peers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Forwarding to a real unbound (Debian's {@code /usr/sbin/unbound}) started on a free loopback
 * port, serving local data only. Skipped, saying why, when unbound is not installed.
 */
class UnboundEndToEndTest {

  private static final Path UNBOUND = Path.of("/usr/sbin/unbound");

  @TempDir static Path directory;
  static Process unbound;
  static int port;

  @BeforeAll
  static void startUnbound() throws Exception {
    assumeTrue(
        Files.isExecutable(UNBOUND),
        "unbound is not installed (apt-get install unbound); skipping the end-to-end forward test");
    port = Peers.freePort();
    Path config = directory.resolve("unbound.conf");
    Files.writeString(
        config,
        """
        server:
          interface: 127.0.0.1
          port: %d
          do-daemonize: no
          use-syslog: no
          logfile: ""
          username: ""
          chroot: ""
          directory: "%s"
          pidfile: "%s/unbound.pid"
          do-ip6: no
          access-control: 127.0.0.0/8 allow
          module-config: "iterator"
          num-threads: 1
          verbosity: 0
          local-zone: "corvus.test." static
          local-data: "www.corvus.test. 300 IN A 192.0.2.10"
          local-data: "www.corvus.test. 300 IN AAAA 2001:db8::10"
        remote-control:
          control-enable: no
        """
            .formatted(port, directory, directory));
    unbound =
        new ProcessBuilder(UNBOUND.toString(), "-d", "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("unbound.log").toFile())
            .start();
    DnsClient probe = new DnsClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofMillis(200));
    boolean up =
        Poll.until(
            Duration.ofSeconds(10),
            () -> {
              try {
                return unbound.isAlive() && probe.udp("www.corvus.test.", Type.A).getRcode() == Rcode.NOERROR;
              } catch (IOException e) {
                return false;
              }
            });
    assumeTrue(up, "unbound did not start: " + Files.readString(directory.resolve("unbound.log")));
  }

  @AfterAll
  static void stopUnbound() throws InterruptedException {
    if (unbound != null) {
      unbound.destroy();
      unbound.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void answersFromUnboundOverUdpAndTcp() throws Exception {
    try (ForwardHarness forward = new ForwardHarness("forward . 127.0.0.1:" + port)) {
      assertEquals("192.0.2.10", firstAddress(forward.query("www.corvus.test.", Type.A, Transport.UDP)));
      Message aaaa = forward.query("WWW.corvus.test.", Type.AAAA, Transport.TCP);
      assertEquals(Rcode.NOERROR, aaaa.getRcode());
      assertEquals(1, aaaa.getSection(org.xbill.DNS.Section.ANSWER).size());
      assertEquals("WWW.corvus.test.", aaaa.getQuestion().getName().toString());
      assertEquals(Rcode.NXDOMAIN, forward.query("missing.corvus.test.", Type.A).getRcode());
      assertTrue(
          forward.metricValue("coredns_forward_responses_total", "127.0.0.1:" + port, "NXDOMAIN") == 1);
    }
  }

  @Test
  void forceTcpAndPreferUdpReachUnbound() throws Exception {
    try (ForwardHarness tcp = new ForwardHarness("forward . 127.0.0.1:" + port + " {\n force_tcp\n}");
        ForwardHarness udp = new ForwardHarness("forward . 127.0.0.1:" + port + " {\n prefer_udp\n}")) {
      assertEquals("192.0.2.10", firstAddress(tcp.query("www.corvus.test.", Type.A, Transport.UDP)));
      assertEquals(1, tcp.metricValue("coredns_proxy_conn_cache_misses_total", "forward", "127.0.0.1:" + port, "tcp"));
      assertEquals("192.0.2.10", firstAddress(udp.query("www.corvus.test.", Type.A, Transport.TCP)));
      assertEquals(0, udp.metricValue("coredns_proxy_conn_cache_misses_total", "forward", "127.0.0.1:" + port, "tcp"));
    }
  }
}
