package dev.corvus.dns.plugin.transfer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The validated {@code transfer} directive.
 *
 * @param zones the zones transfers are answered for (the server block's by default)
 * @param anyone whether {@code to *} allows every client
 * @param to the secondaries allowed to transfer and notified of changes (port 53 unless given)
 */
record TransferConfig(List<Name> zones, boolean anyone, List<InetSocketAddress> to) {

  TransferConfig {
    zones = List.copyOf(zones);
    to = List.copyOf(to);
  }

  /** CoreDNS compares the client's IP with each {@code to} address; the port does not matter. */
  boolean allows(InetAddress client) {
    if (anyone) {
      return true;
    }
    for (InetSocketAddress secondary : to) {
      if (secondary.getAddress().equals(client)) {
        return true;
      }
    }
    return false;
  }
}
