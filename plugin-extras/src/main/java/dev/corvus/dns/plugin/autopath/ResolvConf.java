package dev.corvus.dns.plugin.autopath;

import dev.corvus.dns.api.Names;
import java.util.ArrayList;
import java.util.List;

/** The search path of a resolv.conf(5) text: the last {@code search} or {@code domain} line wins. */
final class ResolvConf {

  private ResolvConf() {}

  /**
   * @throws IllegalArgumentException when a search domain is not a valid name
   */
  static List<org.xbill.DNS.Name> searchPath(List<String> lines) {
    List<org.xbill.DNS.Name> search = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields[0].equals("search") || fields[0].equals("domain")) {
        search.clear();
        for (int i = 1; i < fields.length; i++) {
          search.add(Names.zone(fields[i]));
        }
      }
    }
    return search;
  }
}
