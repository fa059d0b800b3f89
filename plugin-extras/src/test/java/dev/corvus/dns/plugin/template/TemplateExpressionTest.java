package dev.corvus.dns.plugin.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code var} and {@code expr}: the README's examples on a real server over UDP and TCP, and errors at file:line. */
class TemplateExpressionTest {

  @TempDir
  Path dir;

  /**
   * The README's "Resolve device addresses for HTTPS on LAN" without its forward (not in this
   * module; only loopback is a test's target): names with a private address get it, a public
   * one falls through to the end of the chain and gets no address.
   */
  @Test
  void readmeDeviceAddressExampleAnswersPrivateAddressesOnly() throws Exception {
    String corefile = """
        .:0 {
            template IN A example.com {
              match ^(?P<ip>[0-9]{1,3}(-[0-9]{1,3}){3})[.](?P<id>[a-z2-7]{26})[.]example[.]com[.]$
              var ip replace(group('ip'), '-', '.')
              expr "any(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'], incidr(ip, #))"
              answer "{{ .Name }} 60 IN A {{ .Var.ip }}"
              fallthrough
            }
        }
        """;
    String id = "abcdefghijklmnopqrstuvwxyz";
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient client = new DnsClient(server.udpAddress());
      DnsClient tcp = new DnsClient(server.tcpAddress());
      for (Message answer : List.of(client.udp("192-168-1-20." + id + ".example.com.", Type.A),
          tcp.tcp("192-168-1-20." + id + ".example.com.", Type.A))) {
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertEquals("192-168-1-20." + id + ".example.com.\t60\tIN\tA\t192.168.1.20",
            answer.getSection(Section.ANSWER).get(0).toString());
      }
      Message tenNet = client.udp("10-1-2-3." + id + ".example.com.", Type.A);
      assertEquals("10.1.2.3", tenNet.getSection(Section.ANSWER).get(0).rdataToString());
      // a public address is not templated: it falls through, and nothing after answers it
      Message outside = tcp.tcp("8-8-8-8." + id + ".example.com.", Type.A);
      assertTrue(outside.getRcode() != Rcode.NOERROR, Rcode.string(outside.getRcode()));
      assertTrue(outside.getSection(Section.ANSWER).isEmpty());
    }
  }

  @Test
  void variablesChainAndTemplatesReadThem() throws Exception {
    String corefile = """
        .:0 {
            template IN A example {
                match ^(?P<n>[0-9]+)[.]example[.]$
                var num int(group('n'))
                var double num * 2
                var label 'x' + group(1)
                var local incidr(client_ip(), '127.0.0.0/8')
                expr num > 1 && len(label) == 2
                answer "{{ .Name }} 60 IN A 10.0.{{ .Var.num }}.{{ .Var.double }}"
                additional "{{ .Var.label }}.example. 60 IN TXT \\"{{ len .Var }} {{ eq .Var.label \\"x2\\" }} {{ if .Var.local }}local{{ else }}remote{{ end }}\\""
                fallthrough
            }
            template IN A example {
                answer "{{ .Name }} 60 IN A 192.0.2.1"
            }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      Message two = new DnsClient(server.udpAddress()).udp("2.example.", Type.A);
      assertEquals("10.0.2.4", two.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals("\"4 true local\"", two.getSection(Section.ADDITIONAL).get(0).rdataToString());
      // expr false: falls through to the next template
      Message one = new DnsClient(server.tcpAddress()).tcp("1.example.", Type.A);
      assertEquals("192.0.2.1", one.getSection(Section.ANSWER).get(0).rdataToString());
    }
  }

  @Test
  void anEvaluationErrorIsServfailEvenWithFallthrough() throws Exception {
    String corefile = """
        .:0 {
            template IN A example {
                var bad incidr('notanip', '10.0.0.0/8')
                answer "{{ .Name }} 60 IN A 10.0.0.1"
                fallthrough
            }
            template IN A example {
                answer "{{ .Name }} 60 IN A 192.0.2.1"
            }
        }
        """;
    try (Corvus server = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      assertEquals(Rcode.SERVFAIL, new DnsClient(server.udpAddress()).udp("a.example.", Type.A).getRcode());
    }
  }

  @Test
  void badExpressionsAreErrorsAtTheirLine() throws Exception {
    for (String[] bad : List.of(
        new String[] {"var a 1 +", "could not compile expression of var a"},
        new String[] {"var 1a 1", "invalid variable name"},
        new String[] {"var name 1", "is reserved"},
        new String[] {"var len 1", "is reserved"},
        new String[] {"var true 1", "is reserved"},
        new String[] {"var a undefined", "unknown name undefined"},
        new String[] {"var a b + 1\n        var b 1", "unknown name b", "3"},
        new String[] {"var a 1\n        var a 2", "is reserved"},
        new String[] {"var a 1\n        var b a + 1\n        var c 'x' + b", "mismatched types string and int"},
        new String[] {"var a", "expected var NAME EXPRESSION"},
        new String[] {"expr", "expected at least one argument"},
        new String[] {"expr name() ==", "unexpected end of expression"},
        new String[] {"expr invalid expression", "unknown name invalid"},
        new String[] {"var a 1\n        expr a + 'x'", "mismatched types int and string"},
        new String[] {"expr \"any([1, 2], # + 'x')\"", "mismatched types"},
        new String[] {"expr \"# == 1\"", "only allowed in the predicate"})) {
      Path corefile = Files.writeString(dir.resolve("Corefile"),
          ".:0 {\n    template IN A example {\n        " + bad[0] + "\n    }\n}\n");
      ConfigException e = assertThrows(ConfigException.class,
          () -> Corvus.builder().corefile(corefile).dnsPort(0).start().close(), bad[0]);
      // the line of the option in error: the last one unless the case names it
      int line = bad.length > 2 ? Integer.parseInt(bad[2]) : 3 + (int) bad[0].chars().filter(c -> c == '\n').count();
      assertTrue(e.getMessage().startsWith(corefile + ":" + line + ": template: "), e.getMessage());
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }
}
