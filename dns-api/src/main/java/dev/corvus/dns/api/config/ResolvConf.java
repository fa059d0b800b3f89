package dev.corvus.dns.api.config;

import dev.corvus.dns.api.Names;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * What DNS plugins read from a resolv.conf(5) file: its nameservers ({@code forward .
 * /etc/resolv.conf}) and its search path ({@code autopath}, the kubernetes plugin). One reader
 * with one set of rules: a {@code #} or {@code ;} starts a comment anywhere on a line; the last
 * {@code search} or {@code domain} line sets the search path; a nameserver's link-local zone
 * ({@code fe80::1%eth0}) is dropped, as CoreDNS drops it; other lines are ignored.
 *
 * @param nameservers the {@code nameserver} addresses in file order, without duplicates
 * @param search the search path, lower case and absolute
 */
public record ResolvConf(List<InetAddress> nameservers, List<Name> search) {

  /** Copies the lists. */
  public ResolvConf {
    nameservers = List.copyOf(nameservers);
    search = List.copyOf(search);
  }

  /**
   * Reads and parses {@code file}.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when a nameserver is not an IP address or a search domain
   *     not a name
   */
  public static ResolvConf read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses the text of a resolv.conf file.
   *
   * @throws IllegalArgumentException when a nameserver is not an IP address or a search domain
   *     not a name
   */
  public static ResolvConf parse(String text) {
    List<InetAddress> nameservers = new ArrayList<>();
    List<Name> search = new ArrayList<>();
    for (String rawLine : text.split("\n", -1)) {
      String line = stripComment(rawLine).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\\s+");
      switch (fields[0]) {
        case "nameserver" -> {
          if (fields.length > 1) {
            String host = fields[1];
            int zone = host.indexOf('%');
            InetAddress address = Names.parseAddressLiteral(zone < 0 ? host : host.substring(0, zone));
            if (!nameservers.contains(address)) {
              nameservers.add(address);
            }
          }
        }
        case "search", "domain" -> {
          search.clear();
          for (int i = 1; i < fields.length; i++) {
            search.add(Names.zone(fields[i]));
          }
        }
        default -> {
          // options, sortlist and anything else: not DNS plugins' business
        }
      }
    }
    return new ResolvConf(nameservers, search);
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    int semicolon = line.indexOf(';');
    int cut = hash < 0 ? semicolon : (semicolon < 0 ? hash : Math.min(hash, semicolon));
    return cut < 0 ? line : line.substring(0, cut);
  }
}
