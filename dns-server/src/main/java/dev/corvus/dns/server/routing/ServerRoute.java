package dev.corvus.dns.server.routing;

import dev.corvus.dns.api.net.Cidr;
import dev.corvus.dns.server.corefile.ServerKey;
import java.net.InetAddress;
import java.util.Arrays;
import org.xbill.DNS.Name;

/**
 * One zone of a server block on one listener: queries for names in {@code zone} run {@code
 * pipeline}.
 *
 * @param key the server block key it comes from
 * @param pipeline the block's chain
 * @param serverLabel the block's listener as CoreDNS labels metrics, e.g. {@code dns://:53}
 * @param network the network of a zone expanded from a CIDR off an octet boundary, or {@code null}
 * @param view what decides which queries the block serves, or {@code null} for a block without a
 *     view (it serves every query of its zone)
 */
public record ServerRoute(ServerKey key, Pipeline pipeline, String serverLabel, Cidr network, BlockView view) {

  /**
   * A route without a view; the key's network, if any, is parsed once here rather than per query.
   */
  public ServerRoute(ServerKey key, Pipeline pipeline, String serverLabel) {
    this(key, pipeline, serverLabel, null);
  }

  /**
   * A route; the key's network, if any, is parsed once here rather than per query.
   *
   * @param view the block's view, or {@code null}
   */
  public ServerRoute(ServerKey key, Pipeline pipeline, String serverLabel, BlockView view) {
    this(key, pipeline, serverLabel, key.network() == null ? null : Cidr.parse(key.network()), view);
  }

  /** The zone. */
  public Name zone() {
    return key.zone();
  }

  /**
   * Whether {@code qname} belongs to this route: in the zone and, for a zone expanded from a
   * CIDR off an octet boundary, inside that network.
   */
  public boolean accepts(Name qname) {
    if (!qname.subdomain(key.zone())) {
      return false;
    }
    if (network == null) {
      return true;
    }
    InetAddress address = reverseAddress(qname);
    // A name shorter than a full address (e.g. 1.10.in-addr.arpa.) is inside if its prefix is.
    return address == null || network.contains(address);
  }

  private static InetAddress reverseAddress(Name qname) {
    String text = qname.toString(true).toLowerCase();
    try {
      if (text.endsWith(".in-addr.arpa")) {
        String[] labels = text.substring(0, text.length() - ".in-addr.arpa".length()).split("\\.");
        if (labels.length != 4) {
          return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          bytes[i] = (byte) Integer.parseInt(labels[3 - i]);
        }
        return InetAddress.getByAddress(bytes);
      }
      if (text.endsWith(".ip6.arpa")) {
        String[] labels = text.substring(0, text.length() - ".ip6.arpa".length()).split("\\.");
        if (labels.length != 32) {
          return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 32; i++) {
          int nibble = Integer.parseInt(labels[31 - i], 16);
          bytes[i / 2] |= (byte) (i % 2 == 0 ? nibble << 4 : nibble);
        }
        return InetAddress.getByAddress(bytes);
      }
    } catch (NumberFormatException | java.net.UnknownHostException e) {
      return null;
    }
    return null;
  }

  @Override
  public String toString() {
    return key.label() + (view == null ? "" : " view " + view.name()) + " "
        + Arrays.toString(pipeline.directives().toArray());
  }
}
