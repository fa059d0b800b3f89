package dev.corvus.dns.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
      "10.0.0.0/8,       10.255.1.2,  true",
      "10.0.0.0/8,       11.0.0.1,    false",
      "10.1.2.3/8,       10.9.9.9,    true",
      "192.168.1.0/25,   192.168.1.127, true",
      "192.168.1.0/25,   192.168.1.128, false",
      "0.0.0.0/0,        203.0.113.9, true",
      "10.0.0.0/8,       ::1,         false",
      "fd00::/8,         fd12::1,     true",
      "fd00::/8,         fe80::1,     false",
      "2001:db8::/127,   2001:db8::1, true",
      "2001:db8::/127,   2001:db8::2, false",
      "::/0,             10.0.0.1,    false",
  })
  void matchesAddressesByPrefix(String cidr, String address, boolean contained) throws Exception {
    InetAddress parsed = InetAddress.getByName(address);
    assertEquals(contained, Cidr.parse(cidr).contains(parsed));
    assertEquals(contained, Cidr.parse(cidr).contains(parsed.getAddress()));
  }

  @Test
  void clearsHostBitsAndComparesByValue() {
    assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.1.2.3/8"));
    assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString());
    assertEquals(8, Cidr.parse("10.1.2.3/8").prefix());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "10.1.0.0/17,            10.1.0.0/17",
      "fd00:0:0:10::/62,       fd00:0:0:10::/62",
      "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
      "2001:0:0:1:0:0:0:0/64,  2001:0:0:1::/64",
      "::/0,                   ::/0",
      "::1/128,                ::1/128",
  })
  void printsCanonicallyAsRfc5952Says(String cidr, String text) {
    assertEquals(text, Cidr.parse(cidr).toString());
  }

  @Test
  void aBareAddressIsOneHostOnlyWhenAsked() throws Exception {
    assertEquals(32, Cidr.parseHostOrNetwork("192.0.2.1").prefix());
    assertEquals(128, Cidr.parseHostOrNetwork("2001:db8::1").prefix());
    assertEquals(Cidr.host(InetAddress.getByName("192.0.2.1")), Cidr.parseHostOrNetwork("192.0.2.1"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("192.0.2.1"));
    assertEquals("illegal CIDR notation \"192.0.2.1\" (missing /prefix)", error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "example.org/8", "fd00::/129", "/8"})
  void rejectsWhatIsNotACidr(String text) {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
  }
}
