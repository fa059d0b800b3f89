package dev.corvus.dns.plugin.dns64;

import dev.corvus.dns.api.net.Cidr;

/**
 * A {@code dns64} directive.
 *
 * @param prefix the IPv6 prefix of synthesised addresses: /32, /40, /48, /56, /64 or /96 (RFC 6052
 *     §2.2); {@code 64:ff9b::/96} by default
 * @param translateAll synthesise even when the answer already holds AAAA records (not RFC 6147
 *     §5.1.1)
 * @param allowIpv4 synthesise for clients that asked over IPv4 too; by default only for clients
 *     that asked over IPv6
 */
record Dns64Config(Cidr prefix, boolean translateAll, boolean allowIpv4) {

  /** The Well-Known Prefix of RFC 6052 §2.1. */
  static final Cidr WELL_KNOWN_PREFIX = Cidr.parse("64:ff9b::/96");
}
