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
    return pathUnder(name, root(prefix));
  }

  /** As {@link #path}, with the prefix already cleaned ({@link #root}). */
  static String pathUnder(Name name, String root) {
    return build(name, root, Integer.MAX_VALUE);
  }

  /**
   * The key of {@code name} up to its first wildcard label ({@code *} or {@code any}, counted
   * from the root), and whether there was one.
   */
  static Wildcard pathWithWildcard(Name name, String prefix) {
    return pathWithWildcardUnder(name, root(prefix));
  }

  /**
   * As {@link #pathWithWildcard}, with the prefix already cleaned ({@link #root}): the query path,
   * built without the general cleaning (labels from a parsed name are never empty, {@code .} or
   * {@code ..}; dnsjava escapes dots).
   */
  static Wildcard pathWithWildcardUnder(Name name, String root) {
    int labels = name.labels() - 1;
    for (int i = labels - 1, depth = 0; i >= 0; i--, depth++) {
      String label = name.getLabelString(i);
      if (label.equals("*") || label.equalsIgnoreCase("any")) {
        return new Wildcard(build(name, root, depth), true);
      }
    }
    return new Wildcard(build(name, root, Integer.MAX_VALUE), false);
  }

  /** The prefix as a cleaned rooted path without a trailing slash: {@code skydns} is {@code /skydns}. */
  static String root(String prefix) {
    String cleaned = clean("/" + prefix);
    return cleaned.equals("/") ? "" : cleaned;
  }

  private static String build(Name name, String root, int maxLabels) {
    StringBuilder path = new StringBuilder(root.length() + name.length() + 4).append(root);
    int labels = name.labels() - 1;
    for (int i = labels - 1, n = 0; i >= 0 && n < maxLabels; i--, n++) {
      path.append('/');
      String label = name.getLabelString(i);
      for (int c = 0; c < label.length(); c++) {
        path.append(Character.toLowerCase(label.charAt(c)));
      }
    }
    return path.length() == 0 ? "/" : path.toString();
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
