package dev.corvus.dns.plugin.loadbalance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.plugin.testing.TestAnswerFactory;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class LoadbalanceIntegrationTest {

  @Test
  void addressOrderChangesAcrossQueries() throws Exception {
    String corefile = ".:0 {\n bind 127.0.0.1\n loadbalance round_robin\n test_answer A 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4\n}";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).plugin(new TestAnswerFactory()).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      Set<List<String>> orders = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        List<String> order = client.udp("www.example.", Type.A).getSection(Section.ANSWER).stream()
            .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
        assertEquals(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"), Set.copyOf(order));
        orders.add(order);
      }
      // 24 orders are possible; 30 uniform draws all landing on 3 or fewer has negligible odds.
      assertTrue(orders.size() > 3, "orders seen: " + orders);
    }
  }
}
