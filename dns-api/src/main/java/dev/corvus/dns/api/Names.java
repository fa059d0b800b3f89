package dev.corvus.dns.api;

import dev.corvus.dns.api.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;

/** Zone and name helpers plugin authors need. */
public final class Names {

  private Names() {}

  /**
   * Parses a zone as written in a Corefile ({@code example.org}, {@code Example.ORG.}, {@code .})
   * into a lower-case absolute name.
   *
   * @throws IllegalArgumentException when the text is not a valid domain name
   */
  public static Name zone(String text) {
    try {
      return Name.fromString(text.toLowerCase(Locale.ROOT), Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a valid zone name: " + text, e);
    }
  }

  /** The name in lower case with the trailing dot, e.g. {@code www.example.org.}. */
  public static String lowerCase(Name name) {
    return name.toString(false).toLowerCase(Locale.ROOT);
  }

  /**
   * The longest of {@code zones} that contains {@code name}, or {@code null} when none does.
   * This is how CoreDNS picks a server block and how plugins with several zones pick one.
   */
  public static Name longestMatch(Name name, Collection<Name> zones) {
    Name best = null;
    for (Name zone : zones) {
      if (name.subdomain(zone) && (best == null || zone.labels() > best.labels())) {
        best = zone;
      }
    }
    return best;
  }

  /** Whether {@code name} is in any of {@code zones}. */
  public static boolean inAny(Name name, Collection<Name> zones) {
    for (Name zone : zones) {
      if (name.subdomain(zone)) {
        return true;
      }
    }
    return false;
  }

  /** The reverse-lookup name of an address ({@code 4.3.2.1.in-addr.arpa.} or nibbles). */
  public static Name reverse(InetAddress address) {
    return ReverseMap.fromAddress(address);
  }

  /**
   * The reverse zones a CIDR covers, as CoreDNS expands a Corefile key written as a network
   * ({@code 10.0.0.0/8} → {@code 10.in-addr.arpa.}). A prefix that is not on an octet (IPv4) or
   * nibble (IPv6) boundary expands to every zone of the next boundary ({@code 10.1.0.0/17} →
   * {@code 0.1.10.in-addr.arpa.} … {@code 127.1.10.in-addr.arpa.}).
   *
   * @throws IllegalArgumentException when the text is not a CIDR
   */
  public static List<Name> reverseZones(String cidr) {
    Cidr network = Cidr.parse(cidr);
    byte[] bytes = network.networkBytes();
    int prefix = network.prefix();
    boolean v4 = bytes.length == 4;
    int step = v4 ? 8 : 4;
    int rounded = ((prefix + step - 1) / step) * step;
    int count = 1 << (rounded - prefix);
    List<Name> zones = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] addr = bytes.clone();
      addSubnet(addr, rounded, i);
      zones.add(reverseZone(addr, rounded / step, v4));
    }
    return zones;
  }

  /**
   * Parses an IPv4 or IPv6 address literal without any DNS lookup.
   *
   * @throws IllegalArgumentException when the text is not an address literal
   */
  public static InetAddress parseAddressLiteral(String text) {
    byte[] bytes = org.xbill.DNS.Address.toByteArray(text, org.xbill.DNS.Address.IPv4);
    if (bytes == null) {
      String v6 = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
      bytes = org.xbill.DNS.Address.toByteArray(v6, org.xbill.DNS.Address.IPv6);
    }
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
    }
  }

  private static void addSubnet(byte[] addr, int rounded, int index) {
    // index counts the (rounded - prefix) bits just above the rounded boundary
    int bit = rounded - 1;
    for (int value = index; value != 0; value >>>= 1, bit--) {
      if ((value & 1) != 0) {
        addr[bit / 8] |= (byte) (0x80 >>> (bit % 8));
      }
    }
  }

  private static Name reverseZone(byte[] addr, int labels, boolean v4) {
    StringBuilder sb = new StringBuilder();
    for (int i = labels - 1; i >= 0; i--) {
      if (v4) {
        sb.append(addr[i] & 0xff).append('.');
      } else {
        int b = addr[i / 2] & 0xff;
        int nibble = (i % 2 == 0) ? (b >>> 4) : (b & 0xf);
        sb.append(Integer.toHexString(nibble)).append('.');
      }
    }
    sb.append(v4 ? "in-addr.arpa." : "ip6.arpa.");
    return zone(sb.toString());
  }
}
