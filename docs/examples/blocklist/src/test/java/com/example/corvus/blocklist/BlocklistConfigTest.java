package com.example.corvus.blocklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corvus.dns.api.config.ConfigException;
import dev.corvus.dns.server.Corvus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Corefile errors, as a user sees them. {@link Corvus.Builder#start} parses and validates the
 * whole configuration before it starts a plugin or binds a port, so a broken Corefile fails
 * here exactly as it fails {@code corvus check}.
 */
class BlocklistConfigTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      blocklist                                 | <embedded>:2: blocklist: missing FILE
      blocklist a.txt b.txt                     | <embedded>:2: blocklist: unexpected argument "b.txt"
      blocklist a.txt {\\n respnd null\\n }     | <embedded>:3: blocklist: unknown option "respnd", did you mean "respond"?
      blocklist a.txt {\\n respond maybe\\n }   | <embedded>:3: blocklist: respond: expected nxdomain, refused or null, got "maybe"
      blocklist a.txt {\\n respond\\n }         | <embedded>:3: blocklist: respond: missing nxdomain, refused or null
      blocklist a.txt {\\n refresh soon\\n }    | <embedded>:3: blocklist: refresh: expected a duration for DURATION (e.g. 5s, 1m30s, 250ms), got "soon"
      blocklist a.txt {\\n refresh 1m 2m\\n }   | <embedded>:3: blocklist: refresh: unexpected argument "2m"
      """)
  void wrongConfigurationIsAnErrorWithFileAndLine(String directive, String expected) {
    String corefile = ".:0 {\n" + directive.replace("\\n", "\n") + "\n}\n";
    ConfigException error = assertThrows(ConfigException.class,
        () -> Corvus.builder().corefile(corefile).dnsPort(0).start().close());
    assertEquals(expected, error.getMessage());
  }
}
