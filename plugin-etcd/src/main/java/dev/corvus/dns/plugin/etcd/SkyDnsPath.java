package dev.corvus.dns.plugin.etcd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * SkyDNS's mapping between names and etcd keys (CoreDNS's {@code msg.Path}, {@code msg.Domain},
 * {@code msg.PathWithWildcard}): {@code www.example.test.} under prefix {@code skydns} is the key
 * {@code /skydns/test/example/www}.
 */
final class SkyDnsPath {

  private SkyDnsPath() {}

  /** The key of {@code name} (lower-cased) under {@code prefix}. */
  static String path(Name name, String prefix) {
    return join(prefix, reversedLabels(name));
  }

  /**
   * The key of {@code name} up to its first wildcard label ({@code *} or {@code any}, counted
   * from the root), and whether there was one.
   */
  static Wildcard pathWithWildcard(Name name, String prefix) {
    List<String> labels = reversedLabels(name);
    for (int i = 0; i < labels.size(); i++) {
      String label = labels.get(i);
      if (label.equals("*") || label.equals("any")) {
        return new Wildcard(join(prefix, labels.subList(0, i)), true);
      }
    }
    return new Wildcard(join(prefix, labels), false);
  }

  /** A key up to its first wildcard, and whether the name had one. */
  record Wildcard(String path, boolean star) {}

  /**
   * The domain name a key stands for, its first path element (the prefix) dropped: {@code
   * /skydns/test/example/www} is {@code www.example.test.}.
   */
  static String domain(String key) {
    List<String> parts = new ArrayList<>(List.of(key.split("/", -1)));
    if (parts.get(parts.size() - 1).isEmpty()) {
      parts.remove(parts.size() - 1);
    }
    if (parts.size() < 3) {
      return ".";
    }
    StringBuilder name = new StringBuilder();
    for (int i = parts.size() - 1; i >= 2; i--) {
      name.append(parts.get(i)).append('.');
    }
    return name.toString();
  }

  private static List<String> reversedLabels(Name name) {
    Name lower = name.canonicalize();
    List<String> labels = new ArrayList<>();
    for (int i = lower.labels() - 1; i >= 0; i--) {
      String label = lower.getLabelString(i);
      if (!label.isEmpty()) {
        labels.add(label);
      }
    }
    return labels;
  }

  /** Go's {@code path.Join("/" + prefix + "/", elements...)}: joined, then cleaned. */
  static String join(String prefix, List<String> elements) {
    StringBuilder raw = new StringBuilder("/").append(prefix).append('/');
    for (String element : elements) {
      raw.append('/').append(element);
    }
    return clean(raw.toString());
  }

  /** Go's {@code path.Clean} for rooted paths. */
  static String clean(String path) {
    Deque<String> kept = new ArrayDeque<>();
    for (String element : path.split("/")) {
      if (element.isEmpty() || element.equals(".")) {
        continue;
      }
      if (element.equals("..")) {
        kept.pollLast();
        continue;
      }
      kept.addLast(element);
    }
    return "/" + String.join("/", kept);
  }
}
