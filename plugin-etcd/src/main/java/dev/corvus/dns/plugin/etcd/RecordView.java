package dev.corvus.dns.plugin.etcd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.ToLongFunction;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The in-memory copy of the keys under the plugin's path, kept current by {@link EtcdSync}, and
 * CoreDNS's {@code Records} lookup over it: a name's key and everything below it (a prefix range,
 * as the etcd plugin asks etcd), or the exact key. Lookups run on I/O threads while the watch
 * thread updates the map; each key is replaced atomically, and a resync swaps the whole map.
 */
final class RecordView {

  /**
   * One key.
   *
   * @param key the etcd key
   * @param service the decoded value, or {@code null} when it is not a SkyDNS message (skipped)
   * @param lease the key's lease, 0 for none
   * @param modRevision the revision that last changed the key
   */
  record Node(String key, SkyDnsService service, long lease, long modRevision) {}

  private volatile NavigableMap<String, Node> nodes = new ConcurrentSkipListMap<>();
  private volatile boolean loaded;

  /** Whether the first full read of etcd completed. */
  boolean loaded() {
    return loaded;
  }

  /** Replaces everything with a full read of etcd. */
  void replaceAll(Collection<Node> all) {
    ConcurrentSkipListMap<String, Node> fresh = new ConcurrentSkipListMap<>();
    for (Node node : all) {
      fresh.put(node.key(), node);
    }
    nodes = fresh;
    loaded = true;
  }

  void put(Node node) {
    nodes.put(node.key(), node);
  }

  void remove(String key) {
    nodes.remove(key);
  }

  Node get(String key) {
    return nodes.get(key);
  }

  int size() {
    return nodes.size();
  }

  /** Every lease a key of the view is attached to. */
  List<Long> leases() {
    return nodes.values().stream().map(Node::lease).filter(l -> l != 0).distinct().toList();
  }

  /**
   * CoreDNS's {@code Records}: the services for {@code name}, or {@code null} when no key exists
   * (the name error). With {@code exact} only the name's own key is read; otherwise every key
   * below {@code path/}, or the key {@code path} itself when there is none.
   *
   * @param root the key prefix as {@link SkyDnsPath#root} cleans it
   * @param ttl the TTL to serve for a service (its own, its lease's, or the default)
   */
  List<SkyDnsService> records(Name name, String root, boolean exact, int qtype, ToLongFunction<Node> ttl) {
    SkyDnsPath.Wildcard wildcard = SkyDnsPath.pathWithWildcardUnder(name, root);
    Collection<Node> found = find(wildcard.path(), !exact);
    if (found == null) {
      return null;
    }
    String[] nameParts = wildcard.star() ? SkyDnsPath.pathUnder(name, root).split("/", -1) : null;
    List<SkyDnsService> services = new ArrayList<>(found.size());
    nodes:
    for (Node node : found) {
      if (nameParts != null) {
        String[] keyParts = node.key().split("/", -1);
        for (int i = 0; i < nameParts.length; i++) {
          if (i > keyParts.length - 1) {
            continue nodes;
          }
          String part = nameParts[i];
          if (part.equals("*") || part.equals("any")) {
            continue;
          }
          if (!keyParts[i].equals(part)) {
            continue nodes;
          }
        }
      }
      SkyDnsService service = node.service();
      if (service == null) {
        // not a SkyDNS message: logged once when it arrived, left out of every answer
        continue;
      }
      if ((qtype == Type.TXT && !service.text().isEmpty()) || !service.host().isEmpty()) {
        services.add(service.served(ttl.applyAsLong(node)));
      }
    }
    return services;
  }

  private Collection<Node> find(String path, boolean recursive) {
    NavigableMap<String, Node> current = nodes;
    if (recursive) {
      String dir = path.endsWith("/") ? path : path + "/";
      List<Node> below = null;
      // the keys below dir follow each other in the map: walk them from the first
      for (Map.Entry<String, Node> e : current.tailMap(dir, true).entrySet()) {
        if (!e.getKey().startsWith(dir)) {
          break;
        }
        if (below == null) {
          below = new ArrayList<>();
        }
        below.add(e.getValue());
      }
      if (below != null) {
        return below;
      }
      path = dir.substring(0, dir.length() - 1);
    }
    Node node = current.get(path);
    return node == null ? null : List.of(node);
  }

  /** For tests: the keys, in order. */
  List<String> keys() {
    return List.copyOf(nodes.keySet());
  }

  /** For diagnostics: the number of keys whose value is not a SkyDNS message. */
  long malformed() {
    return nodes.values().stream().filter(n -> n.service() == null).count();
  }
}
