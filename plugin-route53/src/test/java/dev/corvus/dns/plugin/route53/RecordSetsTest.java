package dev.corvus.dns.plugin.route53;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** CoreDNS's TestMaybeUnescape, case for case. */
class RecordSetsTest {

  @Test
  void escapedNamesAreTakenBackAsCoreDnsDoes() throws Exception {
    assertEquals("", RecordSets.unescape(""));
    assertEquals("example.com.", RecordSets.unescape("example.com."));
    assertEquals("*.example.com", RecordSets.unescape("\\052.example.com"));
    assertEquals("weird-example.com..", RecordSets.unescape("weird\\055ex\\141mple\\056com\\056\\056"));
  }

  @Test
  void whatCoreDnsRejectsIsRejected() {
    String[][] cases = {
        {"e\\052ample.com", "'*' only supported as wildcard (leftmost label)"},
        {"\\000.example.com", "invalid character: \\000"},
        {"example\\0com", "invalid escape sequence: '\\0co'"},
        {"example.com\\0", "invalid escape sequence: '\\0'"},
    };
    for (String[] c : cases) {
      RecordSets.Unusable e = assertThrows(RecordSets.Unusable.class, () -> RecordSets.unescape(c[0]), c[0]);
      assertEquals(c[1], e.getMessage());
    }
  }
}
