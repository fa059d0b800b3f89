package dev.corvus.dns.plugin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.corvus.dns.plugin.testing.Http;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The operational directives of kubeadm's Corefile, as written there (ports moved to 0 and
 * loopback; kubernetes, forward and cache belong to other modules), start and serve together.
 */
class KubeadmDirectivesIntegrationTest {

  @Test
  void kubeadmOperationalDirectivesRunTogether() throws Exception {
    String corefile = """
        .:0 {
            bind 127.0.0.1
            errors
            health 127.0.0.1:0 {
                lameduck 1s
            }
            ready 127.0.0.1:0
            prometheus 127.0.0.1:0
            loop
            reload
            loadbalance
            whoami
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.NOERROR, new DnsClient(server.udpAddress()).udp("kubernetes.default.", Type.A).getRcode());
      assertEquals(200, Http.get(server.httpAddress("/health"), "/health").statusCode());
      assertEquals(200, Http.get(server.httpAddress("/ready"), "/ready").statusCode());
      assertEquals(200, Http.get(server.httpAddress("/metrics"), "/metrics").statusCode());
    }
  }
}
