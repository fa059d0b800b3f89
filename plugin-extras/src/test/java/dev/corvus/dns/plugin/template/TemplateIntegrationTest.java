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

  @Test
  void parseIntTurnsHexGroupsIntoDecimalAndAnErrorIsServfail() throws Exception {
    String corefile = """
        .:0 {
          template IN A example {
            match "^ip-(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"
            answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"
          }
          template IN TXT example {
            answer "{{ .Name }} 60 IN TXT \\"{{ parseInt \\"gg\\" 16 8 }}\\""
          }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      assertEquals("10.100.31.255", c.udp("ip-641fff.example.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(Rcode.SERVFAIL, c.tcp("x.example.", Type.TXT).getRcode());
    }
  }

  @Test
  void ederrorAddsAnExtendedErrorForEdnsClients() throws Exception {
    String corefile = """
        .:0 {
          template ANY ANY invalid {
            rcode NXDOMAIN
            authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"
            ederror 21 "Blocked according to RFC2606"
          }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      for (boolean tcp : new boolean[] {false, true}) {
        Message query = DnsClient.newQuery("example.invalid.", Type.A);
        query.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Message response = tcp ? c.tcp(query) : c.udp(query);
        assertEquals(Rcode.NXDOMAIN, response.getRcode());
        org.xbill.DNS.ExtendedErrorCodeOption ede = (org.xbill.DNS.ExtendedErrorCodeOption)
            response.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.EDNS_EXTENDED_ERROR).get(0);
        assertEquals(21, ede.getErrorCode());
        assertEquals("Blocked according to RFC2606", ede.getText());
      }
    }
  }

  @Test
  void templatedCnamesAreResolvedThroughTheServerForAAndAaaa() throws Exception {
    String corefile = """
        .:0 {
          template IN A alias.example {
            answer "{{ .Name }} 60 IN CNAME target.example."
          }
          template IN A target.example {
            answer "{{ .Name }} 30 IN A 192.0.2.7"
          }
          template IN MX alias.example {
            answer "{{ .Name }} 60 IN CNAME target.example."
          }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      for (Message response : java.util.List.of(c.udp("www.alias.example.", Type.A), c.tcp("www.alias.example.", Type.A))) {
        assertEquals(java.util.List.of("www.alias.example. CNAME target.example.", "target.example. A 192.0.2.7"),
            response.getSection(Section.ANSWER).stream()
                .map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList());
      }
      assertEquals(1, c.udp("www.alias.example.", Type.MX).getSection(Section.ANSWER).size(), "only A and AAAA are resolved");
    }
  }

  @Test
  void metaShowsAPublishedLabelOrNothing() throws Exception {
    String corefile = """
        .:0 {
          template IN TXT example {
            answer "{{ .Name }} 60 IN TXT \\"[{{ .Meta \\"no/such-label\\" }}]\\""
          }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals("\"[]\"", new DnsClient(s.udpAddress()).udp("x.example.", Type.TXT).getSection(Section.ANSWER).get(0).rdataToString());
    }
  }
}
