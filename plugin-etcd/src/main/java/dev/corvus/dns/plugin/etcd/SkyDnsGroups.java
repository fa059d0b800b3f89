package dev.corvus.dns.plugin.etcd;

import java.util.ArrayList;
import java.util.List;

/**
 * SkyDNS groups (CoreDNS's {@code msg.Group}): when the records found for a name carry a {@code
 * group}, only the records of the group of the shallowest keys are answered, together with the
 * records that have no group. When records at that depth disagree on the group, all are kept.
 */
final class SkyDnsGroups {

  private SkyDnsGroups() {}

  static List<SkyDnsService> select(List<SkyDnsService> services) {
    if (services.isEmpty()) {
      return services;
    }
    String group = services.get(0).group();
    int slashes = slashes(services.get(0).key());
    int[] depth = new int[services.size()];
    for (int i = 0; i < services.size(); i++) {
      SkyDnsService s = services.get(i);
      int x = slashes(s.key());
      depth[i] = x;
      if (x < slashes) {
        if (s.group().isEmpty()) {
          break;
        }
        slashes = x;
        group = s.group();
      }
    }
    if (group.isEmpty()) {
      return services;
    }
    List<SkyDnsService> selected = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      SkyDnsService s = services.get(i);
      if (s.group().isEmpty()) {
        selected.add(s);
        continue;
      }
      if (depth[i] == slashes && !s.group().equals(group)) {
        return services;
      }
      if (s.group().equals(group)) {
        selected.add(s);
      }
    }
    return selected;
  }

  private static int slashes(String key) {
    int n = 0;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }
}
