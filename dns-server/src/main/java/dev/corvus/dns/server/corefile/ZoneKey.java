package dev.corvus.dns.server.corefile;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.net.Cidr;
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
    Cidr network;
    try {
      zones = Names.reverseZones(cidr);
      network = Cidr.parse(cidr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid CIDR " + cidr, e);
    }
    int boundary = network.isIpv4() ? 8 : 4;
    String networkText = network.prefix() % boundary == 0 ? null : network.toString();
    return new ZoneKey(scheme, port, zones, networkText);
  }
}
