package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.Names;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * A server block key {@code [SCHEME://]ZONE[:PORT]} split as CoreDNS splits it
 * ({@code core/dnsserver/register.go}, {@code plugin/normalize.go}): the scheme prefix, then a
 * port when the text after the last colon is a number, then the zone, which may be a CIDR
 * expanding to reverse zones. Plugins' zone arguments go through the same rules.
 *
 * @param scheme the scheme, {@link Scheme#DNS} when none is written
 * @param port the port written, or {@code null}
 * @param zones the zone, or the reverse zones of a CIDR
 * @param network the CIDR when its prefix is not on an octet (nibble) boundary, else {@code null}
 */
record ZoneKey(Scheme scheme, Integer port, List<Name> zones, String network) {

  private static final Pattern CIDR = Pattern.compile("[0-9A-Fa-f.:]+/[0-9]+");
  private static final int MAX_ZONE_LENGTH = 255;

  /**
   * Parses a key.
   *
   * @throws IllegalArgumentException with a message for the user when the key is malformed
   */
  static ZoneKey parse(String text) {
    Scheme scheme = Scheme.DNS;
    String rest = text;
    int separator = text.indexOf("://");
    if (separator >= 0) {
      scheme = scheme(text.substring(0, separator), text);
      rest = text.substring(separator + 3);
    }
    Integer port = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0 && colon == rest.length() - 1) {
      throw new IllegalArgumentException("expecting data after last colon: \"" + text + "\"");
    }
    if (colon >= 0 && rest.substring(colon + 1).matches("[+-]?[0-9]+")) {
      port = port(rest.substring(colon + 1), text);
      rest = rest.substring(0, colon);
    }
    if (rest.length() > MAX_ZONE_LENGTH) {
      throw new IllegalArgumentException(
          "specified zone is too long: " + rest.length() + " > " + MAX_ZONE_LENGTH);
    }
    if (CIDR.matcher(rest).matches()) {
      return reverse(scheme, port, rest);
    }
    return new ZoneKey(scheme, port, List.of(zone(rest)), null);
  }

  private static Scheme scheme(String prefix, String key) {
    Scheme scheme = Scheme.of(prefix);
    if (scheme == null) {
      throw new IllegalArgumentException(
          "unknown scheme \"" + prefix + "\" in \"" + key + "\": expected dns, tls, https, https3, grpc or quic");
    }
    return scheme;
  }

  private static int port(String digits, String key) {
    try {
      int port = Integer.parseInt(digits);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException("invalid port " + digits + " in \"" + key + "\": expected 0-65535");
  }

  private static Name zone(String text) {
    if (text.isEmpty() || text.equals(".")) {
      return Name.root;
    }
    try {
      return Names.zone(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("zone is not a valid domain name: " + text, e);
    }
  }

  private static ZoneKey reverse(Scheme scheme, Integer port, String cidr) {
    // CoreDNS refuses these forms because they cannot be told apart from host:port
    if (cidr.startsWith(":") || (cidr.startsWith("0") && cidr.contains(":"))) {
      throw new IllegalArgumentException("invalid CIDR " + cidr);
    }
    List<Name> zones;
    InetAddress address;
    try {
      zones = Names.reverseZones(cidr);
      address = Names.parseAddressLiteral(cidr.substring(0, cidr.indexOf('/')));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid CIDR " + cidr, e);
    }
    int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    int boundary = address.getAddress().length == 4 ? 8 : 4;
    String network = prefix % boundary == 0 ? null : networkText(address.getAddress(), prefix);
    return new ZoneKey(scheme, port, zones, network);
  }

  /** The CIDR with host bits cleared, IPv6 written compressed (RFC 5952). */
  static String networkText(byte[] address, int prefix) {
    byte[] masked = address.clone();
    for (int bit = prefix; bit < masked.length * 8; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    if (masked.length == 4) {
      return (masked[0] & 0xff) + "." + (masked[1] & 0xff) + "." + (masked[2] & 0xff) + "."
          + (masked[3] & 0xff) + "/" + prefix;
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((masked[2 * i] & 0xff) << 8) | (masked[2 * i + 1] & 0xff);
    }
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
    return out + "/" + prefix;
  }
}
