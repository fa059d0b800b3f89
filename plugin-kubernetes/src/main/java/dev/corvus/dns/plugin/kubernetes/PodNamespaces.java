package dev.corvus.dns.plugin.kubernetes;

import dev.corvus.dns.api.plugin.PodNamespaceLookup;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@link PodNamespaceLookup} {@code autopath @kubernetes} uses: the namespace of a client pod
 * by its address, and the ClusterFirst search path of a namespace: {@code NS.svc.ZONE svc.ZONE
 * ZONE} followed, as in CoreDNS, by the search domains of the server's own resolv.conf (which a
 * ClusterFirst pod inherits from its node). Pods are watched from the first question on, as CoreDNS
 * watches them only when autopath (or {@code pods verified}) needs them.
 */
final class PodNamespaces implements PodNamespaceLookup {

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
   * The search domains of a resolv.conf: the last {@code search} or {@code domain} line wins, as
   * the resolver reads it (resolv.conf(5)); none when the file is missing.
   */
  static List<Name> searchDomains(Path resolvConf) {
    List<Name> domains = List.of();
    try {
      for (String line : Files.readAllLines(resolvConf)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 1 && (fields[0].equals("search") || fields[0].equals("domain"))) {
          List<Name> parsed = new ArrayList<>();
          for (int i = 1; i < fields.length && !fields[i].startsWith("#") && !fields[i].startsWith(";"); i++) {
            try {
              parsed.add(Name.fromString(fields[i], Name.root));
            } catch (TextParseException e) {
              // resolv.conf(5) resolvers skip a domain they cannot parse
            }
          }
          domains = parsed;
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return domains;
  }
}
