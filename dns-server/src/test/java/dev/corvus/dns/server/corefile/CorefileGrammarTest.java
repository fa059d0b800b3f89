package dev.corvus.dns.server.corefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.api.config.Location;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;

/** The Corefile grammar, table by table: what parses into what, and which errors name which line. */
class CorefileGrammarTest {

  static final String FILE = "Corefile";
  static final Path BASE = Path.of(".");

  static Corefile parse(String text) throws ConfigException {
    return CorefileParser.parse(text, FILE, BASE, Map.of(), 53);
  }

  /** A compact rendering: {@code keys{directive(args){options}...}} with blocks joined by | . */
  static String render(Corefile corefile) {
    return corefile.blocks().stream()
        .map(b -> b.keys().stream().map(ServerKey::label).collect(Collectors.joining(","))
            + "{" + render(b.directives()) + "}")
        .collect(Collectors.joining(" | "));
  }

  static String render(List<Directive> directives) {
    return directives.stream()
        .map(d -> d.name().text()
            + d.args().stream().map(Token::text).collect(Collectors.joining(",", "(", ")"))
            + (d.block().isEmpty() ? "" : "{" + render(d.block()) + "}"))
        .collect(Collectors.joining(";"));
  }

  static List<Arguments> grammar() {
    return List.of(
        Arguments.of("one block", ".:53 {\n whoami\n log\n}", "dns://.:53{whoami();log()}"),
        Arguments.of("comment lines and trailing comments",
            "# header\n. { # after brace\n  log # trailing\n  # whole line\n}\n", "dns://.:53{log()}"),
        Arguments.of("hash inside a word starts a comment as in CoreDNS", ". {\n  log a#b c\n}", "dns://.:53{log(a)}"),
        Arguments.of("double quotes keep spaces and hashes",
            ". {\n  log \"a b # c\" d\n}", "dns://.:53{log(a b # c,d)}"),
        Arguments.of("escaped quote inside quotes", ". {\n  log \"say \\\"hi\\\"\"\n}", "dns://.:53{log(say \"hi\")}"),
        Arguments.of("other escapes are kept", ". {\n  log \"a\\tb\\\\\"\n}", "dns://.:53{log(a\\tb\\\\)}"),
        Arguments.of("backquotes keep spaces, quotes and backslashes",
            ". {\n  log `a \"b\" \\c`\n}", "dns://.:53{log(a \"b\" \\c)}"),
        Arguments.of("empty quoted argument is kept", ". {\n  log \"\" x\n}", "dns://.:53{log(,x)}"),
        Arguments.of("quoted brace is a word", ". {\n  log \"{\" \"}\"\n}", "dns://.:53{log({,})}"),
        Arguments.of("newline ends the argument list", ". {\n  log a\n  b c\n}", "dns://.:53{log(a);b(c)}"),
        Arguments.of("a multi-line quoted word stays on its directive",
            ". {\n  log \"a\nb\" c\n  d\n}", "dns://.:53{log(a\nb,c);d()}"),
        Arguments.of("directive block with options",
            ". {\n  forward . 1.1.1.1 {\n    max_fails 3\n    force_tcp\n  }\n  cache\n}",
            "dns://.:53{forward(.,1.1.1.1){max_fails(3);force_tcp()};cache()}"),
        Arguments.of("deeper nesting",
            ". {\n  a {\n    b x {\n      c y\n    }\n    d\n  }\n}", "dns://.:53{a(){b(x){c(y)};d()}}"),
        Arguments.of("empty directive block", ". {\n  health {\n  }\n  ready { }\n}", "dns://.:53{health();ready()}"),
        Arguments.of("first option on the brace's line", ". {\n  forward . x { max_fails 3\n  }\n}",
            "dns://.:53{forward(.,x){max_fails(3)}}"),
        Arguments.of("first directive on the brace's line", ". { whoami\n}", "dns://.:53{whoami()}"),
        Arguments.of("brace on the line after the keys", "example.org\n{\n  whoami\n}", "dns://example.org.:53{whoami()}"),
        Arguments.of("several keys separated by spaces",
            "a.org b.org:1053 {\n whoami\n}", "dns://a.org.:53,dns://b.org.:1053{whoami()}"),
        Arguments.of("several keys separated by commas across lines",
            "a.org,\nb.org, c.org {\n whoami\n}", "dns://a.org.:53,dns://b.org.:53,dns://c.org.:53{whoami()}"),
        Arguments.of("several blocks", ". {\n whoami\n}\nexample.org {\n log\n}",
            "dns://.:53{whoami()} | dns://example.org.:53{log()}"),
        Arguments.of("next block on the closing brace's line", ". {\n whoami\n} a.org {\n log\n}",
            "dns://.:53{whoami()} | dns://a.org.:53{log()}"),
        Arguments.of("single block without braces runs to the end", "example.org\nwhoami\nlog x",
            "dns://example.org.:53{whoami();log(x)}"),
        Arguments.of("a line of keys only", "example.org", "dns://example.org.:53{}"),
        Arguments.of("empty Corefile has no blocks", "", ""),
        Arguments.of("comments only have no blocks", "# nothing\n   \n# here\n", ""),
        Arguments.of("byte order mark is dropped", "\uFEFF. {\n whoami\n}", "dns://.:53{whoami()}"),
        Arguments.of("CRLF line ends", ". {\r\n  log a\r\n  whoami\r\n}\r\n", "dns://.:53{log(a);whoami()}"),
        Arguments.of("snippet imported in a block", "(common) {\n  log\n  errors\n}\n. {\n  import common\n  whoami\n}",
            "dns://.:53{log();errors();whoami()}"),
        Arguments.of("one-line snippet", "(s) { log }\n. {\n  import s\n}", "dns://.:53{log()}"),
        Arguments.of("snippet with arguments",
            "(fwd) {\n  forward {args[0]} {args[1]} {\n    max_fails {args[2]}\n  }\n}\n. {\n  import fwd . 10.0.0.1 7\n}",
            "dns://.:53{forward(.,10.0.0.1){max_fails(7)}}"),
        Arguments.of("snippet argument inside a word", "(s) {\n  log pre-{args[0]}-{args[0]}\n}\n. {\n  import s x\n}",
            "dns://.:53{log(pre-x-x)}"),
        Arguments.of("snippet imported inside a directive block",
            "(opts) {\n  max_fails 3\n}\n. {\n  forward . x {\n    import opts\n  }\n}",
            "dns://.:53{forward(.,x){max_fails(3)}}"),
        Arguments.of("snippet holding a whole server block at top level",
            "(site) {\n  {args[0]} {\n    whoami\n  }\n}\nimport site a.org\nimport site b.org",
            "dns://a.org.:53{whoami()} | dns://b.org.:53{whoami()}"),
        Arguments.of("snippet importing another snippet",
            "(a) {\n  log\n}\n(b) {\n  import a\n  errors\n}\n. {\n  import b\n}", "dns://.:53{log();errors()}"),
        Arguments.of("snippets only have no blocks", "(s) {\n log\n}", ""),
        Arguments.of("import is a word when not at a line start", ". {\n  log import x\n}", "dns://.:53{log(import,x)}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grammar")
  void parsesGrammar(String name, String text, String expected) throws ConfigException {
    assertEquals(expected, render(parse(text)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      ".                        | dns://.:53",
      ":1053                    | dns://.:1053",
      ".:1053                   | dns://.:1053",
      "example.org              | dns://example.org.:53",
      "Example.ORG.             | dns://example.org.:53",
      "example.org:0            | dns://example.org.:0",
      "dns://example.org        | dns://example.org.:53",
      "dns://example.org:5353   | dns://example.org.:5353",
      "tls://example.org        | tls://example.org.:853",
      "tls://.:8853             | tls://.:8853",
      "https://example.org      | https://example.org.:443",
      "grpc://example.org       | grpc://example.org.:443",
      "quic://example.org       | quic://example.org.:853",
      "tls://:5555              | tls://.:5555",
      "10.0.0.0/8               | dns://10.in-addr.arpa.:53",
      "10.0.0.0/24:1053         | dns://0.0.10.in-addr.arpa.:1053",
      "192.168.1.7/32           | dns://7.1.168.192.in-addr.arpa.:53",
      "10.1.2.3/16              | dns://1.10.in-addr.arpa.:53",
      "0.0.0.0/0                | dns://in-addr.arpa.:53",
      "fd00::/64                | dns://0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.:53",
      "fd00::/8                 | dns://d.f.ip6.arpa.:53",
      "tls://10.0.0.0/8         | tls://10.in-addr.arpa.:853",
      "0/26.2.0.192.in-addr.arpa | dns://0/26.2.0.192.in-addr.arpa.:53",
  })
  void expandsKeys(String key, String expectedLabels) throws ConfigException {
    Corefile corefile = parse(key.strip() + " {\n}");
    assertEquals(expectedLabels, corefile.blocks().get(0).keys().stream().map(ServerKey::label)
        .collect(Collectors.joining(",")));
    corefile.blocks().get(0).keys().forEach(k -> assertNull(k.network(), "network on a boundary prefix"));
  }

  @Test
  void dnsKeysUseTheDefaultPortOthersTheirSchemesPort() throws ConfigException {
    Corefile corefile = CorefileParser.parse(". tls://. {\n}", FILE, BASE, Map.of(), 1053);
    assertEquals(List.of("dns://.:1053", "tls://.:853"),
        corefile.blocks().get(0).keys().stream().map(ServerKey::label).toList());
  }

  @Test
  void nonOctetPrefixExpandsToEveryZoneOfTheNextBoundary() throws ConfigException {
    List<ServerKey> keys = parse("10.1.0.0/17 {\n}").blocks().get(0).keys();
    assertEquals(128, keys.size());
    for (int i = 0; i < 128; i++) {
      assertEquals(i + ".1.10.in-addr.arpa.", keys.get(i).zone().toString());
      assertEquals("10.1.0.0/17", keys.get(i).network());
      assertEquals(new Location(FILE, 1), keys.get(i).location());
    }
  }

  @Test
  void nonNibblePrefixExpandsToEveryNibbleZone() throws ConfigException {
    List<ServerKey> keys = parse("fd00:0:0:10::/62 {\n}").blocks().get(0).keys();
    assertEquals(List.of(
            "0.1.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", "1.1.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.",
            "2.1.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", "3.1.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa."),
        keys.stream().map(k -> k.zone().toString()).toList());
    keys.forEach(k -> assertEquals("fd00:0:0:10::/62", k.network()));
  }

  @Test
  void keepsLocationsOfKeysDirectivesAndArguments() throws ConfigException {
    Corefile corefile = parse("# c\n\na.org,\n  b.org {\n  log x\n  forward . y {\n\n    max_fails 3\n  }\n}");
    ServerBlock block = corefile.blocks().get(0);
    assertEquals(new Location(FILE, 3), block.location());
    assertEquals(new Location(FILE, 4), block.keys().get(1).location());
    assertEquals(new Location(FILE, 5), block.directives().get(0).location());
    assertEquals(new Location(FILE, 5), block.directives().get(0).args().get(0).location());
    assertEquals(new Location(FILE, 8), block.directives().get(1).block().get(0).location());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{$ZONE} {\\n log {$LEVEL}\\n}                       | dns://example.org.:53{log(info)}",
      "{%ZONE%} {\\n log {%LEVEL%}\\n}                     | dns://example.org.:53{log(info)}",
      ". {\\n log a{$UNSET}b \"{%UNSET%}\"\\n}             | dns://.:53{log(ab,)}",
      ". {\\n log {$TWO}\\n}                               | dns://.:53{log(x,y)}",
      ". {\\n log \"{$TWO}\"\\n}                           | dns://.:53{log(x y)}",
      ". {\\n log {$ZONE}:{$PORT}\\n}                      | dns://.:53{log(example.org:1053)}",
      "{$ZONE}:{$PORT} {\\n}                               | dns://example.org.:1053{}",
      ". {\\n log {$} {%%} {$NO SPACE}\\n}                 | dns://.:53{log({$},{%%},{$NO,SPACE})}",
      ". {\\n log {$SELF}\\n}                              | dns://.:53{log({$ZONE})}",
  })
  void substitutesEnvironmentBeforeLexing(String text, String expected) throws ConfigException {
    Map<String, String> env = Map.of("ZONE", "example.org", "LEVEL", "info", "PORT", "1053",
        "TWO", "x y", "SELF", "{$ZONE}");
    assertEquals(expected, render(CorefileParser.parse(text.replace("\\n", "\n"), FILE, BASE, env, 53)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      // text | line | message
      ". {\\n  whoami\\n                                | 1 | Unexpected EOF: the '{' opened here is never closed",
      ". {\\n  forward . x {\\n    max_fails 3\\n}      | 1 | Unexpected EOF: the '{' opened here is never closed",
      ". {\\n  forward . x {\\n    max_fails 3         | 2 | Unexpected EOF: the '{' opened here is never closed",
      ". {\\n  whoami\\n}\\n}                          | 4 | Unexpected '}' because no matching opening brace",
      "}                                              | 1 | Unexpected '}' because no matching opening brace",
      ". {\\n  log a }\\n}                             | 2 | Unexpected '}' because no matching opening brace",
      ". { whoami }                                   | 1 | Unexpected '}' because no matching opening brace",
      "example.org\\nwhoami\\n}                         | 3 | Unexpected '}' because no matching opening brace",
      ". {\\n  log\\n  {\\n  }\\n}                      | 3 | Unexpected '{': a block opens at the end of its directive's line",
      ". {\\n  a {\\n  } b\\n}                          | 3 | Unexpected 'b' after '}': expected a new line",
      "a.org, {\\n}                                   | 1 | Expected another address but had '{' - check for extra comma",
      "a.org,                                         | 1 | Unexpected EOF: expected another address after ','",
      ". {\\n  log \"abc\\n}                            | 2 | Unterminated quoted string: missing closing \"",
      ". {\\n  log `abc\\n}                            | 2 | Unterminated quoted string: missing closing `",
      ". {\\n  import\\n}                              | 2 | Wrong argument count or unexpected line ending after 'import'",
      ". {\\n  import \"\"\\n}                         | 2 | Import requires a non-empty filepath",
      ". {\\n  import nothing-here.conf\\n}             | 2 | File to import not found: nothing-here.conf",
      ". {\\n  import a*b*\\n}                          | 2 | Glob pattern may only contain one wildcard (*), but has others:",
      "(s) {\\n  log\\n}\\n(s) {\\n  errors\\n}          | 4 | redeclaration of previously declared snippet s",
      "(s)\\nlog                                      | 2 | Syntax error: Unexpected token 'log', expecting '{'",
      "(s) {\\n  log\\n                                | 1 | Unexpected EOF: the '{' opened here is never closed",
      "(s) {\\n  log {args[1]}\\n}\\n. {\\n  import s x\\n} | 5 | import s: {args[1]} is out of range, 1 argument(s) given",
      "(s) {\\n  import s\\n}\\n. {\\n  import s\\n}       | 2 | import cycle: Corefile -> (s) -> (s)",
      "(a) {\\n  import b\\n}\\n(b) {\\n  import a\\n}\\n. {\\n  import a\\n} | 5 | import cycle: Corefile -> (a) -> (b) -> (a)",
      "a.org {\\n}\\nb.org A.ORG. {\\n}                  | 3 | cannot serve dns://a.org.:53 - it is already defined (at Corefile:1)",
      ". {\\n}\\n:53 {\\n}                              | 3 | cannot serve dns://.:53 - it is already defined (at Corefile:1)",
      "10.0.0.0/8 {\\n}\\n10.in-addr.arpa {\\n}          | 3 | cannot serve dns://10.in-addr.arpa.:53 - it is already defined (at Corefile:1)",
      "10.0.0.0/8 {\\n}\\n10.1.0.0/17 10.0.0.0/8 {\\n}   | 3 | cannot serve dns://10.in-addr.arpa.:53 - it is already defined (at Corefile:1)",
      "\\n\\nexample.org example.org {\\n}              | 3 | cannot serve dns://example.org.:53 - it is already defined (at Corefile:3)",
      "10.0.0.300/8 {\\n}                             | 1 | invalid CIDR 10.0.0.300/8",
      "10.0.0.0/33 {\\n}                              | 1 | invalid CIDR 10.0.0.0/33",
      "\\n::1/64 {\\n}                                 | 2 | invalid CIDR ::1/64",
      "fd00::/129 {\\n}                               | 1 | invalid CIDR fd00::/129",
      "example.org: {\\n}                             | 1 | expecting data after last colon: \"example.org:\"",
      "example.org:70000 {\\n}                        | 1 | invalid port 70000 in \"example.org:70000\": expected 0-65535",
      "udp://example.org {\\n}                        | 1 | unknown scheme \"udp\" in \"udp://example.org\": expected dns, tls, https, https3, grpc or quic",
      "a..b {\\n}                                     | 1 | zone is not a valid domain name: a..b",
  })
  void reportsErrorsWithFileAndLine(String text, int line, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(text.strip().replace("\\n", "\n")));
    assertEquals(new Location(FILE, line), e.location(), e.getMessage());
    assertTrue(e.detail().startsWith(message), () -> "detail was: " + e.detail());
    assertTrue(e.getMessage().startsWith(FILE + ":" + line + ": "), e.getMessage());
    assertNull(e.directive());
  }

  @Test
  void sameZoneOnDifferentPortsOrSchemesIsFine() throws ConfigException {
    assertEquals("dns://a.org.:53{} | dns://a.org.:1053{} | tls://a.org.:853{}",
        render(parse("a.org {\n}\na.org:1053 {\n}\ntls://a.org {\n}")));
  }

  @Test
  void hashesTheTextAsWrittenBeforeSubstitution() throws Exception {
    String text = "{$ZONE} {\n whoami\n}\n";
    Corefile corefile = CorefileParser.parse(text, FILE, BASE, Map.of("ZONE", "a.org"), 53);
    String expected = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, corefile.sha512());
    assertEquals(128, corefile.sha512().length());
    assertEquals(List.of(), corefile.files());
  }
}
