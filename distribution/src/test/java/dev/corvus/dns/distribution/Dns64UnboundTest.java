package dev.corvus.dns.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.testkit.Poll;
import dev.corvus.dns.testkit.peers.Peers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * dns64 in front of a real resolver that has only A records: unbound (Debian's {@code unbound},
 * installed by {@code .ci/run}) serving a static local zone on loopback, Corvus forwarding to it
 * and synthesising the AAAA answers for an IPv6 client.
 */
class Dns64UnboundTest {

  private static final Path UNBOUND = Path.of("/usr/sbin/unbound");

  @TempDir Path dir;
  private Process unbound;

  @AfterEach
  void stopUnbound() throws InterruptedException {
    if (unbound != null) {
      unbound.destroy();
      unbound.waitFor();
    }
  }

  private InetSocketAddress startUnbound() throws Exception {
    assumeTrue(Files.isExecutable(UNBOUND), "unbound is not installed (apt-get install unbound)");
    int port = Peers.freePort();
    Path conf = Files.writeString(dir.resolve("unbound.conf"), """
        server:
          interface: 127.0.0.1@%d
          do-daemonize: no
          username: ""
          chroot: ""
          directory: "%s"
          pidfile: "%s/unbound.pid"
          use-syslog: no
          logfile: ""
          verbosity: 0
          num-threads: 1
          do-ip6: no
          access-control: 127.0.0.0/8 allow
          module-config: "iterator"
          local-zone: "v4only.test." static
          local-data: "v4only.test. 3600 IN SOA ns.v4only.test. hostmaster.v4only.test. 1 7200 3600 1209600 300"
          local-data: "www.v4only.test. 3600 IN A 192.0.2.10"
          local-data: "www.v4only.test. 3600 IN A 192.0.2.11"
          local-data: "short.v4only.test. 30 IN A 198.51.100.7"
        """.formatted(port, dir, dir));
    unbound = new ProcessBuilder(UNBOUND.toString(), "-d", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    DnsClient probe = new DnsClient(address, Duration.ofMillis(200));
    boolean up = Poll.until(Duration.ofSeconds(20), () -> {
      try {
        return probe.udp("www.v4only.test.", Type.A).getRcode() == Rcode.NOERROR;
      } catch (IOException e) {
        return false;
      }
    });
    assertTrue(up, "unbound answers: " + Files.readString(dir.resolve("unbound.log")));
    return address;
  }

  private static List<String> answers(Message response) {
    return response.getSection(Section.ANSWER).stream().map(Record::toString).sorted().toList();
  }

  @Test
  void aaaaIsSynthesisedFromUnboundsARecordsForAnIpv6Client() throws Exception {
    InetSocketAddress upstream = startUnbound();
    Message direct = new DnsClient(upstream).udp("www.v4only.test.", Type.AAAA);
    assertEquals(List.of(), answers(direct), "unbound has no AAAA record");
    String corefile = ".:0 {\n    bind ::1\n    dns64\n    forward . " + upstream.getHostString() + ":" + upstream.getPort() + "\n}\n";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      assertTrue(server.udpAddress().getAddress() instanceof java.net.Inet6Address, server.udpAddress().toString());
      for (Message response : List.of(client.udp("www.v4only.test.", Type.AAAA), client.tcp("www.v4only.test.", Type.AAAA))) {
        assertEquals(Rcode.NOERROR, response.getRcode());
        // unbound's NODATA carries the SOA with TTL min(3600, MINIMUM 300): the AAAA TTL is 300
        assertEquals(List.of("www.v4only.test.\t300\tIN\tAAAA\t64:ff9b:0:0:0:0:c000:20a",
            "www.v4only.test.\t300\tIN\tAAAA\t64:ff9b:0:0:0:0:c000:20b"), answers(response));
      }
      assertEquals(List.of("short.v4only.test.\t30\tIN\tAAAA\t64:ff9b:0:0:0:0:c633:6407"),
          answers(client.udp("short.v4only.test.", Type.AAAA)), "the A record's shorter TTL wins");
      assertEquals(Rcode.NXDOMAIN, client.udp("nope.v4only.test.", Type.AAAA).getRcode());
    }
  }
}
