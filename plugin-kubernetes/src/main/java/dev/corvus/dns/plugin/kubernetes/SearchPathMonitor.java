package dev.corvus.dns.plugin.kubernetes;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Looks at the names the plugin could not answer for search-path expansions ({@link
 * SearchPathRule}) and counts them per client namespace ({@link SearchPathTracker}). The client's
 * namespace comes from the name ({@code ORIGINAL.NS.svc.ZONE}), else from the pod with the
 * client's address when pods are watched ({@code pods verified} or autopath), else it is {@code
 * unknown}.
 */
final class SearchPathMonitor {

  private final Set<Name> forwardZones = new HashSet<>();
  private final SearchPathRule rule;
  private final SearchPathTracker tracker;
  private final ClusterIndex index;

  SearchPathMonitor(List<Name> zones, ClusterIndex index, SearchPathTracker tracker) {
    for (Name zone : zones) {
      if (!KubernetesFactory.isReverse(zone)) {
        forwardZones.add(zone);
      }
    }
    this.index = index;
    this.tracker = tracker;
    this.rule = new SearchPathRule(index::namespaceKnown, (ns, name) -> index.service(ns, name) != null);
  }

  /** Counts the miss of {@code labels} under {@code zone} if it is an expansion. */
  void onMiss(Name zone, String[] labels, InetAddress client) {
    if (!forwardZones.contains(zone)) {
      return;
    }
    SearchPathRule.Expansion expansion = rule.match(labels);
    if (expansion != null) {
      tracker.record(clientNamespace(expansion, client), expansion.original());
    }
  }

  /** The explanation note for the miss of {@code labels}, or {@code null} when not an expansion. */
  String explain(Name zone, String[] labels, InetAddress client) {
    if (!forwardZones.contains(zone)) {
      return null;
    }
    SearchPathRule.Expansion expansion = rule.match(labels);
    if (expansion == null) {
      return null;
    }
    return "search-path expansion of " + expansion.original() + " (namespace "
        + clientNamespace(expansion, client) + "): the pod's ndots:5 sent this before the real name;"
        + " use autopath or a trailing dot";
  }

  private String clientNamespace(SearchPathRule.Expansion expansion, InetAddress client) {
    if (expansion.namespace() != null) {
      return expansion.namespace();
    }
    if (client != null) {
      List<ClusterIndex.PodRef> pods = index.podsWithAddress(client);
      if (!pods.isEmpty()) {
        return pods.get(0).namespace();
      }
    }
    return SearchPathTracker.UNKNOWN;
  }
}
