package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Names;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code nameserver} lines of a resolv.conf-style file (resolv.conf(5)); every other
 * line is ignored, as CoreDNS does. Nameservers are plain DNS on port 53; a link-local zone
 * suffix ({@code fe80::1%eth0}) is dropped, as CoreDNS drops it.
 */
final class ResolvConf {

  private static final int DNS_PORT = 53;

  private ResolvConf() {}

  /** The nameservers of {@code file}, in file order, without duplicates. */
  static List<UpstreamAddress> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * The nameservers of a resolv.conf text.
   *
   * @throws IllegalArgumentException when a {@code nameserver} line does not hold an IP address
   */
  static List<UpstreamAddress> parse(String text) {
    List<UpstreamAddress> servers = new ArrayList<>();
    for (String rawLine : text.split("\n", -1)) {
      String line = stripComment(rawLine).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (!fields[0].equals("nameserver") || fields.length < 2) {
        continue;
      }
      String host = fields[1];
      int zone = host.indexOf('%');
      if (zone >= 0) {
        host = host.substring(0, zone);
      }
      InetAddress address = Names.parseAddressLiteral(host);
      UpstreamAddress upstream = new UpstreamAddress(new InetSocketAddress(address, DNS_PORT), false);
      if (!servers.contains(upstream)) {
        servers.add(upstream);
      }
    }
    return List.copyOf(servers);
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    int semicolon = line.indexOf(';');
    int cut = hash < 0 ? semicolon : (semicolon < 0 ? hash : Math.min(hash, semicolon));
    return cut < 0 ? line : line.substring(0, cut);
  }
}
