package dev.corvus.dns.plugin.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.plugin.hosts.testkit.EmbeddedServer;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import dev.corvus.dns.server.testkit.PluginTestKit;
import dev.corvus.dns.server.testkit.Queries;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AclTest {

  private final PluginTestKit kit = new PluginTestKit();

  /** Everything under example.org answers 192.0.2.1 once acl lets it through. */
  @AfterEach
  void closeKit() {
    kit.close();
  }

  private static final String BACKEND = """
        template IN ANY example.org {
          answer "{{ .Name }} 60 IN A 192.0.2.1"
        }
      """;

  private static Corvus server(String acl) throws Exception {
    return EmbeddedServer.start(".:0 {\n" + acl + "\n" + BACKEND + "}\n");
  }

  @Test
  void blockRefusesWithExtendedErrorBlocked() throws Exception {
    try (Corvus s = server("acl {\n block type A net 127.0.0.0/8\n}")) {
      Message m = new DnsClient(s.udpAddress()).udp(Queries.ednsQuery("www.example.org.", Type.A));
      assertEquals(Rcode.REFUSED, m.getRcode());
      ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) m.getOPT().getOptions(15).get(0);
      assertEquals(ExtendedErrorCodeOption.BLOCKED, ede.getErrorCode());
      // another type is not blocked
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.TXT).getRcode());
    }
  }

  @Test
  void filterAnswersEmptyNoerrorWithExtendedErrorFiltered() throws Exception {
    try (Corvus s = server("acl {\n filter net 127.0.0.1\n}")) {
      Message m = new DnsClient(s.udpAddress()).udp(Queries.ednsQuery("www.example.org.", Type.A));
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getSection(Section.ANSWER).isEmpty());
      ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) m.getOPT().getOptions(15).get(0);
      assertEquals(ExtendedErrorCodeOption.FILTERED, ede.getErrorCode());
    }
  }

  @Test
  void dropSendsNothing() throws Exception {
    try (Corvus s = server("acl {\n drop\n}")) {
      DnsClient impatient = new DnsClient(s.udpAddress(), Duration.ofMillis(300));
      assertThrows(SocketTimeoutException.class, () -> impatient.udp("www.example.org.", Type.A));
    }
  }

  @Test
  void firstMatchingPolicyWinsAndAllowLetsThrough() throws Exception {
    try (Corvus s = server("acl {\n allow net 127.0.0.1\n block\n}")) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.A).getRcode());
    }
    try (Corvus s = server("acl {\n allow net 10.0.0.0/8 fd00::/8\n block\n}")) {
      assertEquals(Rcode.REFUSED, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.A).getRcode());
    }
  }

  @Test
  void zonesLimitTheRulesAndAllowSettlesLaterAclDirectives() throws Exception {
    try (Corvus s = server("acl example.net {\n block\n}")) {
      assertEquals(Rcode.NOERROR, new DnsClient(s.udpAddress()).udp("www.example.org.", Type.A).getRcode());
    }
    try (Corvus s = server("acl {\n allow type A\n}\nacl {\n block\n}")) {
      DnsClient client = new DnsClient(s.udpAddress());
      assertEquals(Rcode.NOERROR, client.udp("www.example.org.", Type.A).getRcode());
      assertEquals(Rcode.REFUSED, client.udp("www.example.org.", Type.TXT).getRcode());
    }
  }

  @Test
  void cidrMatching() {
    assertTrue(Cidr.parse("192.168.0.0/16").contains(InetAddress.getLoopbackAddress()) == false);
    assertTrue(Cidr.parse("192.168.1.7/24").contains(dev.corvus.dns.api.Names.parseAddressLiteral("192.168.1.200")));
    assertFalse(Cidr.parse("192.168.1.0/25").contains(dev.corvus.dns.api.Names.parseAddressLiteral("192.168.1.200")));
    assertTrue(Cidr.parse("::1").contains(dev.corvus.dns.api.Names.parseAddressLiteral("::1")));
    assertFalse(Cidr.parse("::/0").contains(dev.corvus.dns.api.Names.parseAddressLiteral("127.0.0.1")));
    // loadbalance's prefer reads networks as net.ParseCIDR does: the prefix is required.
    assertTrue(Cidr.parseNetwork("10.0.0.2/31").contains(dev.corvus.dns.api.Names.parseAddressLiteral("10.0.0.3")));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parseNetwork("10.0.0.2"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parseNetwork("10.0.0.0/33"));
  }

  @Test
  void badPoliciesAreRejected() {
    for (String bad : List.of(
        "acl {\n deny\n}",
        "acl {\n block type\n}",
        "acl {\n block type NOPE\n}",
        "acl {\n block net 10.0.0.0/33\n}",
        "acl {\n block net not-a-net\n}",
        "acl {\n block source 10.0.0.0/8\n}")) {
      assertThrows(ConfigException.class, () -> kit.create(new AclFactory(), bad), bad);
    }
  }

  @Test
  void badPolicyFailsServerStartWithItsLine() {
    Exception e = EmbeddedServer.startupFailure(".:0 {\n acl {\n  block net 10.0.0.0/40\n }\n}\n");
    assertTrue(e.getMessage().contains(":3"), e.getMessage());
  }
}
