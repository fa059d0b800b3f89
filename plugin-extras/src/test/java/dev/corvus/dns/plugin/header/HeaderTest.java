package dev.corvus.dns.plugin.header;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class HeaderTest {

  private static Corvus serve(String rules) throws Exception {
    String corefile = ".:0 {\n    header {\n" + rules + "\n    }\n    flag_echo\n}\n";
    return Corvus.builder().corefile(corefile).plugin(new FlagEchoFactory()).dnsPort(0).start();
  }

  private static String queryFlags(Message response) {
    TXTRecord txt = (TXTRecord) response.getSection(Section.ANSWER).get(0);
    return txt.getStrings().get(0);
  }

  @Test
  void responseRulesSetAndClearFlagsOverUdpAndTcp() throws Exception {
    try (Corvus server = serve("        response set ra aa\n        response clear rd")) {
      DnsClient client = new DnsClient(server.udpAddress());
      for (Message response : new Message[] {client.udp("example.org.", Type.A), client.tcp("example.org.", Type.A)}) {
        assertTrue(response.getHeader().getFlag(Flags.RA), response.toString());
        assertTrue(response.getHeader().getFlag(Flags.AA), response.toString());
        assertFalse(response.getHeader().getFlag(Flags.RD), response.toString());
        assertEquals("query flags: rd", queryFlags(response), "the query itself is left alone");
      }
    }
  }

  @Test
  void queryRulesChangeWhatTheLaterPluginsSeeNotTheResponse() throws Exception {
    try (Corvus server = serve("        query set ra aa\n        query clear rd")) {
      Message response = new DnsClient(server.udpAddress()).udp("example.org.", Type.A);
      assertEquals("query flags: aa ra", queryFlags(response));
      assertFalse(response.getHeader().getFlag(Flags.RA));
      assertFalse(response.getHeader().getFlag(Flags.AA));
    }
  }

  @Test
  void theLastRuleForAFlagWins() throws Exception {
    try (Corvus server = serve("        response set ra\n        response clear ra\n        query clear rd\n        query set rd")) {
      Message response = new DnsClient(server.udpAddress()).tcp("example.org.", Type.A);
      assertFalse(response.getHeader().getFlag(Flags.RA));
      assertEquals("query flags: rd", queryFlags(response));
    }
  }

  @Test
  void theDeprecatedRuleWithoutSelectorAppliesToTheResponse() throws Exception {
    try (Corvus server = serve("        set ra\n        clear rd")) {
      Message response = new DnsClient(server.udpAddress()).udp("example.org.", Type.A);
      assertTrue(response.getHeader().getFlag(Flags.RA));
      assertFalse(response.getHeader().getFlag(Flags.RD));
      assertEquals("query flags: rd", queryFlags(response));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "                      | 2 | expected a block with at least one rule",
      "        foo           | 3 | invalid selector \"foo\"",
      "        response set  | 3 | at least one flag",
      "        query foo     | 3 | at least one flag",
      "        query foo rd  | 3 | unknown flag action \"foo\"",
      "        response set cd | 3 | unsupported flag \"cd\"",
  })
  void badRulesAreErrorsAtTheirLine(String rules, int line, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> serve(rules == null ? "" : rules).close());
    assertTrue(e.getMessage().contains(":" + line + ": header: "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
