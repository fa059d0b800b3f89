package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.plugin.PodNamespaceLookup;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The {@link PodNamespaceLookup} {@code autopath @kubernetes} uses: the namespace of a client pod
 * by its address, and the ClusterFirst search path of a namespace. Pods are watched from the first
 * question on, as CoreDNS watches them only when autopath (or {@code pods verified}) needs them.
 */
final class PodNamespaces implements PodNamespaceLookup {

  private final ClusterIndex index;
  private final Name zone;
  private final Runnable watchPods;

  PodNamespaces(ClusterIndex index, Name zone, Runnable watchPods) {
    this.index = index;
    this.zone = zone;
    this.watchPods = watchPods;
  }

  @Override
  public Optional<String> namespaceOf(InetAddress podIp) {
    watchPods.run();
    List<ClusterIndex.PodRef> pods = index.podsWithAddress(podIp);
    return pods.isEmpty() ? Optional.empty() : Optional.of(pods.get(0).namespace());
  }

  @Override
  public List<Name> searchPath(String namespace) {
    Name svc = RecordFinder.prefixed(RecordRequest.SVC, zone);
    return List.of(RecordFinder.prefixed(namespace, svc), svc, zone);
  }
}
