package dev.corvus.dns.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1          | 10.0.0.1    | 53",
      "10.0.0.1:5353     | 10.0.0.1    | 5353",
      "[::1]:53          | ::1         | 53",
      "[fd00::1]         | fd00::1     | 53",
      "fd00::1           | fd00::1     | 53",
      ":9153             | ''          | 9153",
      "localhost:9153    | localhost   | 9153",
      "dns.example       | dns.example | 53",
      "dns.example:853   | dns.example | 853",
  })
  void parsesTheFormsCorefilesUse(String text, String host, int port) {
    HostPort parsed = HostPort.parse(text, 53);
    assertEquals(host, parsed.host());
    assertEquals(port, parsed.port());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "1.2.3.4:99999 | expected a port (0-65535)",
      "1.2.3.4:      | expected a port (0-65535)",
      "1.2.3.4:-1    | expected a port (0-65535)",
      "1.2.3.4:abc   | expected a port (0-65535)",
      "[::1          | expected \"]\" after the IPv6 address",
      "[::1]x        | expected \":PORT\" after \"]\"",
  })
  void rejectsMalformedTextWithAMessageForTheUser(String text, String message) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, 53));
    assertEquals(message, error.getMessage());
  }

  @Test
  void literalAddressNeverLooksANameUp() throws Exception {
    assertEquals(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 53), HostPort.parse("10.0.0.1", 53).literalAddress());
    assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9153),
        HostPort.parse("localhost:9153", 53).literalAddress());
    assertTrue(HostPort.parse(":9153", 53).literalAddress().getAddress().isAnyLocalAddress());
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("dns.example", 53).literalAddress());
    assertEquals("expected an IP address, got \"dns.example\" (host names are not resolved)", error.getMessage());
  }

  @Test
  void knowsAddressLiteralsAndPrintsIpv6InBrackets() {
    assertTrue(HostPort.parse("[::1]:53", 53).isAddressLiteral());
    assertFalse(HostPort.parse("dns.example", 53).isAddressLiteral());
    assertEquals("[::1]:53", HostPort.parse("::1", 53).toString());
    assertEquals("10.0.0.1:53", HostPort.parse("10.0.0.1", 53).toString());
  }
}
