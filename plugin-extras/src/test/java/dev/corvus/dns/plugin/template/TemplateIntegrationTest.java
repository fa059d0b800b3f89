package dev.corvus.dns.plugin.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code template} in a real server: two templates in Corefile order, and errors at startup. */
class TemplateIntegrationTest {

  @Test
  void templatesAnswerInOrderAndFallThrough() throws Exception {
    String corefile = """
        .:0 {
          template IN A example {
            match ^a[.]example[.]$
            answer "{{ .Name }} 60 IN A 192.0.2.1"
            fallthrough
          }
          template ANY ANY invalid example {
            rcode NXDOMAIN
            authority "{{ .Zone }} 60 IN SOA ns.{{ .Zone }} hostmaster.{{ .Zone }} 1 60 60 60 60"
          }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      assertEquals("192.0.2.1", c.udp("a.example.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      Message nx = c.tcp("b.example.", Type.A);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());
      assertEquals("example.", nx.getSection(Section.AUTHORITY).get(0).getName().toString());
      assertEquals(Rcode.NXDOMAIN, c.udp("x.invalid.", Type.MX).getRcode());
    }
  }

  @Test
  void regexAndTemplateErrorsFailStartupWithTheirLine() {
    String badRegex = ".:0 {\n template IN A {\n  match (unclosed\n }\n}\n";
    ConfigException regex = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(badRegex).dnsPort(0).start().close());
    assertTrue(regex.getMessage().contains(":3"), regex.getMessage());
    String badAction = ".:0 {\n template IN A {\n\n  answer \"{{ .Host }} 60 IN A 1.2.3.4\"\n }\n}\n";
    ConfigException action = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(badAction).dnsPort(0).start().close());
    assertTrue(action.getMessage().contains(":4"), action.getMessage());
  }
}
