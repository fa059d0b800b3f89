package dev.corvus.dns.plugin.loadbalance;

import dev.corvus.dns.api.Names;
import java.net.InetAddress;

/**
 * An IP network, e.g. {@code 10.9.20.0/24}.
 *
 * @param network the address with host bits as written
 * @param prefix the prefix length
 */
public record Cidr(InetAddress network, int prefix) {

  /**
   * Parses {@code a.b.c.d/n} or {@code v6/n}.
   *
   * @throws IllegalArgumentException when the text is not a CIDR
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("missing /prefix");
    }
    InetAddress network = Names.parseAddressLiteral(text.substring(0, slash));
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length", e);
    }
    if (prefix < 0 || prefix > network.getAddress().length * 8) {
      throw new IllegalArgumentException("prefix length out of range");
    }
    return new Cidr(network, prefix);
  }

  /** Whether {@code address} is in this network (addresses of the other family never are). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
