package dev.corvus.dns.api.net;

import dev.corvus.dns.api.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), as {@code acl}, {@code
 * view}, {@code loadbalance prefer} and {@code admin allow} read them. Matching an address is a
 * few byte comparisons with no allocation, so it can run for every query.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * A CIDR with its prefix length, as Go's {@code net.ParseCIDR} reads it; host bits are
   * cleared ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
   *
   * @throws IllegalArgumentException when {@code text} is not a CIDR
   */
  public static Cidr parse(String text) {
    return parse(text, false);
  }

  /**
   * A CIDR, or a bare address taken as a single host ({@code /32} or {@code /128}), as CoreDNS's
   * {@code acl} normalises its {@code net} arguments.
   *
   * @throws IllegalArgumentException when {@code text} is neither
   */
  public static Cidr parseHostOrNetwork(String text) {
    return parse(text, true);
  }

  /** The network of one address: a {@code /32} or {@code /128}. */
  public static Cidr host(InetAddress address) {
    byte[] bytes = address.getAddress();
    return new Cidr(bytes, bytes.length * 8);
  }

  private static Cidr parse(String text, boolean bareAddress) {
    int slash = text.indexOf('/');
    if (slash < 0 && !bareAddress) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\" (missing /prefix)");
    }
    byte[] bytes;
    try {
      bytes = Names.parseAddressLiteral(slash < 0 ? text : text.substring(0, slash)).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\"", e);
    }
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\"", e);
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("illegal CIDR notation \"" + text + "\" (prefix out of range)");
    }
    for (int bit = prefix; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new Cidr(bytes, prefix);
  }

  /** The prefix length. */
  public int prefix() {
    return prefix;
  }

  /** The network address, host bits cleared. */
  public InetAddress network() {
    try {
      return InetAddress.getByAddress(network.clone());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether this is an IPv4 network. */
  public boolean isIpv4() {
    return network.length == 4;
  }

  /** Whether {@code address} is in this network (an IPv4 address is never in an IPv6 network). */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /**
   * Whether the address with these bytes (4 or 16) is in this network; the array is only read,
   * so a caller matching one address against many networks extracts it once.
   */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr that && prefix == that.prefix && Arrays.equals(network, that.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  /** The network as written canonically: IPv6 compressed as RFC 5952 says, e.g. {@code fd00:0:0:10::/62}. */
  @Override
  public String toString() {
    return addressText() + "/" + prefix;
  }

  private String addressText() {
    if (network.length == 4) {
      return (network[0] & 0xff) + "." + (network[1] & 0xff) + "." + (network[2] & 0xff) + "." + (network[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((network[2 * i] & 0xff) << 8) | (network[2 * i + 1] & 0xff);
    }
    // RFC 5952 §4.2: the longest run of two or more zero groups (the first of equals) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; i++) {
      int length = 0;
      while (i + length < 8 && groups[i + length] == 0) {
        length++;
      }
      if (length > bestLength) {
        bestStart = i;
        bestLength = length;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  /** The network's address bytes, host bits cleared; a copy. */
  public byte[] networkBytes() {
    return network.clone();
  }
}
