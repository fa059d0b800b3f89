package dev.corvus.dns.plugin.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import dev.corvus.dns.server.client.DnsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Corefile regular expressions are Go's RE2 (RE2J) in rewrite, template, auto and errors: what Go
 * rejects is a {@code file:line} error naming the directive, Go's {@code (?P<name>...)} works, and
 * a pattern that backtracks exponentially in java.util.regex matches a client's name at once.
 */
class GoRegexSyntaxIntegrationTest {

  @TempDir Path dir;

  private static ConfigException rejected(String corefile) {
    return assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(corefile).dnsPort(0).start().close(), corefile);
  }

  @Test
  void perlOnlySyntaxIsRejectedAtItsLineInEveryDirective() throws Exception {
    Files.writeString(dir.resolve("db.example.org"), "");
    // backreference, lookahead, lookbehind, possessive quantifier: all valid java.util.regex, none Go
    for (String perl : List.of("(a)\\1", "a(?=b)", "(?<!x)a", "a*+")) {
      ConfigException rewrite = rejected(".:0 {\n rewrite name regex " + perl + " {1}.example.org\n}\n");
      assertTrue(rewrite.getMessage().contains(":2: rewrite"), rewrite.getMessage());
      ConfigException template = rejected(
          ".:0 {\n template IN A {\n  match " + perl + "\n  answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n }\n}\n");
      assertTrue(template.getMessage().contains(":3: template"), template.getMessage());
      ConfigException auto = rejected(".:0 {\n auto {\n  directory " + dir + " (" + perl + ") {1}\n }\n}\n");
      assertTrue(auto.getMessage().contains(":3: auto") && auto.getMessage().contains("invalid REGEXP"),
          auto.getMessage());
      ConfigException errors = rejected(".:0 {\n errors {\n  consolidate 5m " + perl + "\n }\n}\n");
      assertTrue(errors.getMessage().contains(":3: errors") && errors.getMessage().contains("invalid REGEXP"),
          errors.getMessage());
    }
  }

  @Test
  void goNamedGroupsWorkInRewriteAndTemplate() throws Exception {
    String corefile = """
        .:0 {
            rewrite name regex ^(?P<host>[a-z]+)\\.corp\\.$ {1}.ip.test answer auto
            template IN A ip.test {
                match ^(?P<label>[a-z]+)[.]ip[.]test[.]$
                answer "{{ .Name }} 60 IN TXT {{ .Group.label }}"
                answer "{{ .Name }} 60 IN A 192.0.2.9"
            }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress());
      Message direct = c.udp("www.ip.test.", Type.A);
      assertEquals(Rcode.NOERROR, direct.getRcode());
      assertEquals("\"www\"", direct.getSection(Section.ANSWER).get(0).rdataToString());
      Message rewritten = c.tcp("mail.corp.", Type.A);
      assertEquals("mail.corp.", rewritten.getSection(Section.ANSWER).get(1).getName().toString(),
          "answer auto maps the name back");
      assertEquals("192.0.2.9", rewritten.getSection(Section.ANSWER).get(1).rdataToString());
    }
  }

  @Test
  void aPatternThatBacktracksInJavaMatchesAClientNameInLinearTime() throws Exception {
    // (a|aa)+b against 60 a's takes java.util.regex about fib(60) steps; RE2 one pass
    String corefile = """
        .:0 {
            template IN A test {
                match ^(a|aa)+b[.]test[.]$
                answer "{{ .Name }} 60 IN A 192.0.2.1"
                fallthrough
            }
            rewrite name regex ^(a|aa)+c[.]test[.]$ hit.test
            template IN A test {
                match ^hit[.]test[.]$
                answer "{{ .Name }} 60 IN A 192.0.2.2"
            }
        }
        """;
    try (Corvus s = Corvus.builder().corefile(corefile).dnsPort(0).start()) {
      DnsClient c = new DnsClient(s.udpAddress(), Duration.ofSeconds(5));
      String evil = "a".repeat(60) + ".test.";
      Message m = c.udp(evil, Type.A);
      assertEquals(Rcode.SERVFAIL, m.getRcode(), "no template matched, no rewrite: the last template refuses");
      assertEquals("192.0.2.1", c.udp("a".repeat(59) + "b.test.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals("192.0.2.2", c.udp("a".repeat(59) + "c.test.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
    }
  }
}
