package dev.corvus.dns.plugin.hosts;

import dev.corvus.dns.api.Names;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The entries of one hosts source (a file or the Corefile's inline lines), indexed for lookups.
 * Immutable; a reload builds a new table.
 */
final class HostsTable {

  static final HostsTable EMPTY = new HostsTable(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), 0);

  /** One line of hosts text and where it stands, e.g. {@code /etc/hosts:3}. */
  record SourceLine(String text, String location) {}

  /** A line that is not {@code ADDRESS NAME [ALIASES...]}. */
  static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String detail;

    MalformedLineException(String location, String detail) {
      super(location + ": " + detail);
      this.detail = detail;
    }

    /** The message without the location. */
    String detail() {
      return detail;
    }
  }

  /** Exact names, by dnsjava's case-insensitive {@link Name}: a lookup builds no string. */
  private final Map<Name, List<InetAddress>> v4;
  private final Map<Name, List<InetAddress>> v6;
  private final Map<String, List<InetAddress>> wildV4;
  private final Map<String, List<InetAddress>> wildV6;
  private final Map<Name, List<Name>> reverse;
  private final int entries;

  private HostsTable(
      Map<Name, List<InetAddress>> v4,
      Map<Name, List<InetAddress>> v6,
      Map<String, List<InetAddress>> wildV4,
      Map<String, List<InetAddress>> wildV6,
      Map<Name, List<Name>> reverse,
      int entries) {
    this.v4 = v4;
    this.v6 = v6;
    this.wildV4 = wildV4;
    this.wildV6 = wildV6;
    this.reverse = reverse;
    this.entries = entries;
  }

  /**
   * Parses hosts(5) lines: {@code ADDRESS NAME [ALIASES...]}, {@code #} comments. Names outside
   * {@code zones} are left out, as CoreDNS does; a name that does not parse is an error naming its
   * location.
   *
   * @param reverseRecords whether to index PTR records for the addresses (not {@code no_reverse})
   * @param strict whether a line with a single field or a first field that is not an IP address is
   *     an error (the Corefile's inline entries) or skipped, as CoreDNS skips them (a hosts file,
   *     often the system's)
   */
  static HostsTable parse(List<SourceLine> lines, Collection<Name> zones, boolean reverseRecords, boolean strict)
      throws MalformedLineException {
    Map<Name, List<InetAddress>> v4 = new HashMap<>();
    Map<Name, List<InetAddress>> v6 = new HashMap<>();
    Map<String, List<InetAddress>> wildV4 = new HashMap<>();
    Map<String, List<InetAddress>> wildV6 = new HashMap<>();
    Map<Name, List<Name>> reverse = new HashMap<>();
    int entries = 0;
    for (SourceLine line : lines) {
      String text = line.text();
      int hash = text.indexOf('#');
      if (hash >= 0) {
        text = text.substring(0, hash);
      }
      String[] fields = text.trim().split("\\s+");
      if (fields.length == 1 && fields[0].isEmpty()) {
        continue;
      }
      if (fields.length < 2) {
        if (!strict) {
          continue;
        }
        throw new MalformedLineException(
            line.location(), "expected ADDRESS NAME [ALIASES...], got \"" + text.trim() + "\"");
      }
      InetAddress address = parseAddress(fields[0]);
      if (address == null) {
        if (!strict) {
          continue;
        }
        throw new MalformedLineException(line.location(), "\"" + fields[0] + "\" is not an IP address");
      }
      boolean isV4 = address instanceof Inet4Address;
      for (int i = 1; i < fields.length; i++) {
        Name name = parseName(fields[i], line.location());
        if (!Names.inAny(name, zones)) {
          continue;
        }
        String key = Names.lowerCase(name);
        entries++;
        if (key.startsWith("*.")) {
          (isV4 ? wildV4 : wildV6).computeIfAbsent(key, k -> new ArrayList<>()).add(address);
          continue; // CoreDNS: wildcard entries get no PTR record
        }
        (isV4 ? v4 : v6).computeIfAbsent(name, k -> new ArrayList<>()).add(address);
        if (reverseRecords) {
          reverse.computeIfAbsent(Names.reverse(address), k -> new ArrayList<>()).add(Names.zone(key));
        }
      }
    }
    return new HostsTable(freeze(v4), freeze(v6), freeze(wildV4), freeze(wildV6), freezeNames(reverse), entries);
  }

  /** The address of a line, or {@code null} when its first field is not one. */
  private static InetAddress parseAddress(String text) {
    // hosts(5) allows an IPv6 zone index (fe80::1%eth0); DNS has no use for it
    int percent = text.indexOf('%');
    String literal = percent >= 0 ? text.substring(0, percent) : text;
    try {
      return Names.parseAddressLiteral(literal);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Name parseName(String text, String location) throws MalformedLineException {
    try {
      return Name.fromString(text.toLowerCase(Locale.ROOT), Name.root);
    } catch (TextParseException e) {
      throw new MalformedLineException(location, "\"" + text + "\" is not a host name: " + e.getMessage());
    }
  }

  private static <K> Map<K, List<InetAddress>> freeze(Map<K, List<InetAddress>> map) {
    Map<K, List<InetAddress>> copy = new HashMap<>();
    map.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Map.copyOf(copy);
  }

  private static Map<Name, List<Name>> freezeNames(Map<Name, List<Name>> map) {
    Map<Name, List<Name>> copy = new HashMap<>();
    map.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Map.copyOf(copy);
  }

  /** The number of names indexed (CoreDNS's {@code coredns_hosts_entries}). */
  int entries() {
    return entries;
  }

  /** The IPv4 ({@code v4}) or IPv6 addresses of {@code name}, exact entries before wildcards. */
  List<InetAddress> addresses(Name name, boolean wantV4) {
    List<InetAddress> exact = (wantV4 ? v4 : v6).get(name);
    if (exact != null) {
      return exact;
    }
    Map<String, List<InetAddress>> wildcards = wantV4 ? wildV4 : wildV6;
    if (wildcards.isEmpty()) {
      return List.of();
    }
    String lowerName = Names.lowerCase(name);
    int dot = lowerName.indexOf('.');
    if (dot > 0 && dot < lowerName.length() - 1) {
      // a wildcard owner matches exactly one more label (hosts README)
      List<InetAddress> wild = wildcards.get("*" + lowerName.substring(dot));
      if (wild != null) {
        return wild;
      }
    }
    return List.of();
  }

  /** The names whose address has the reverse name {@code reverseName}. */
  List<Name> names(Name reverseName) {
    return reverse.getOrDefault(reverseName, List.of());
  }
}
