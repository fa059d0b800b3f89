package dev.corvus.dns.plugin.secondary;

import dev.corvus.dns.api.Fallthrough;
import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * The validated {@code secondary} directive.
 *
 * @param zones the zones transferred and served
 * @param primaries the servers to transfer from, tried in order
 * @param tsig the key transfer requests are signed with, or {@code null}
 * @param fallthrough which names that do not exist go to the next plugin
 */
record SecondaryConfig(List<Name> zones, List<InetSocketAddress> primaries, TSIG tsig, Fallthrough fallthrough) {

  SecondaryConfig {
    zones = List.copyOf(zones);
    primaries = List.copyOf(primaries);
  }
}
