package dev.corvus.dns.plugin.acl;

import dev.corvus.dns.api.Names;
import java.net.InetAddress;

/**
 * A network in CIDR notation ({@code acl}, {@code admin}'s {@code allow}, {@code loadbalance}'s
 * {@code prefer}).
 *
 * @param network the network's address bytes, host bits cleared
 * @param prefix the prefix length
 */
public record Cidr(byte[] network, int prefix) {

  /**
   * A CIDR, or a bare address as a /32 or /128 (as CoreDNS's acl normalises it).
   *
   * @throws IllegalArgumentException when {@code text} is not a CIDR or an address
   */
  public static Cidr parse(String text) {
    return parse(text, true);
  }

  /**
   * A CIDR with its prefix length, as Go's {@code net.ParseCIDR} reads it (CoreDNS's loadbalance).
   *
   * @throws IllegalArgumentException when {@code text} is not a CIDR
   */
  public static Cidr parseNetwork(String text) {
    return parse(text, false);
  }

  private static Cidr parse(String text, boolean bareAddress) {
    int slash = text.indexOf('/');
    if (slash < 0 && !bareAddress) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\" (missing /prefix)");
    }
    InetAddress address = Names.parseAddressLiteral(slash < 0 ? text : text.substring(0, slash));
    byte[] bytes = address.getAddress();
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\"", e);
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\"");
    }
    for (int bit = prefix; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new Cidr(bytes, prefix);
  }

  /** Whether {@code address} is in this network (an IPv4 address is never in an IPv6 network). */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (bytes[full] & mask) == (network[full] & mask);
  }
}
