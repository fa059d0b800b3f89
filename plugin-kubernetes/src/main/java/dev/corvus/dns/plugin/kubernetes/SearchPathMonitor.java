package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.plugin.ResponseObserver;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Looks at every NXDOMAIN response of the server block (whoever answered it: this plugin, a cache
 * hit, a later plugin after fallthrough) for search-path expansions under this plugin's zones
 * ({@link SearchPathRule}) and counts them per client namespace ({@link SearchPathTracker}). The client's
 * namespace comes from the name ({@code ORIGINAL.NS.svc.ZONE}), else from the pod with the
 * client's address when pods are watched ({@code pods verified} or autopath), else it is {@code
 * unknown}.
 */
final class SearchPathMonitor implements ResponseObserver {

  private final Set<Name> forwardZones = new HashSet<>();
  private final List<Name> forwardZoneList;
  private final SearchPathRule rule;
  private final SearchPathTracker tracker;
  private final ClusterIndex index;

  SearchPathMonitor(List<Name> zones, ClusterIndex index, SearchPathTracker tracker) {
    for (Name zone : zones) {
      if (!KubernetesFactory.isReverse(zone)) {
        forwardZones.add(zone);
      }
    }
    this.forwardZoneList = List.copyOf(forwardZones);
    this.index = index;
    this.tracker = tracker;
    this.rule = new SearchPathRule(index::namespaceKnown, (ns, name) -> index.service(ns, name) != null);
  }

  @Override
  public void observe(Request request, Message response) {
    if (response.getRcode() != Rcode.NXDOMAIN || request.context().explaining()) {
      return;
    }
    Name qname = request.qname();
    Name zone = Names.longestMatch(qname, forwardZoneList);
    if (zone == null) {
      return;
    }
    SearchPathRule.Expansion expansion = rule.match(KubernetesHandler.labelsLeftOf(qname, zone));
    if (expansion != null) {
      tracker.record(clientNamespace(expansion, request.client().getAddress()), expansion.original());
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
