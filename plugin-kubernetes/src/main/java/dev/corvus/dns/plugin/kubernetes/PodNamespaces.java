package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.capability.PodNamespaceLookup;
import dev.corvus.dns.api.config.ResolvConf;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The {@link PodNamespaceLookup} {@code autopath @kubernetes} uses: the namespace of a client pod
 * by its address, and the ClusterFirst search path of a namespace: {@code NS.svc.ZONE svc.ZONE
 * ZONE} followed, as in CoreDNS, by the search domains of the server's own resolv.conf (which a
 * ClusterFirst pod inherits from its node). Pods are watched from the first question on, as CoreDNS
 * watches them only when autopath (or {@code pods verified}) needs them.
 */
final class PodNamespaces implements PodNamespaceLookup {

  private static final Logger LOG = LoggerFactory.getLogger(PodNamespaces.class);

  private final ClusterIndex index;
  private final Name zone;
  private final Runnable watchPods;
  private volatile List<Name> hostSearch = List.of();

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

  /** Sets the search domains that follow the cluster ones; read from resolv.conf when the plugin starts. */
  void hostSearch(List<Name> domains) {
    this.hostSearch = List.copyOf(domains);
  }

  @Override
  public List<Name> searchPath(String namespace) {
    Name svc = RecordFinder.prefixed(RecordRequest.SVC, zone);
    List<Name> path = new ArrayList<>(3 + hostSearch.size());
    path.add(RecordFinder.prefixed(namespace, svc));
    path.add(svc);
    path.add(zone);
    path.addAll(hostSearch);
    return path;
  }

  /**
   * The search domains of the server's resolv.conf ({@link ResolvConf}: the last {@code search}
   * or {@code domain} line wins); none when the file is missing or cannot be read, which is
   * logged.
   */
  static List<Name> searchDomains(Path resolvConf) {
    try {
      return ResolvConf.read(resolvConf).search();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("kubernetes: no host search domains for autopath: cannot read {}: {}", resolvConf, e.getMessage());
      return List.of();
    }
  }
}
