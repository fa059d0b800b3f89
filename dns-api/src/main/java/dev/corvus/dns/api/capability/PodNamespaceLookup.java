package dev.corvus.dns.api.capability;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * Exported by the kubernetes plugin: the namespace of the pod that has a given IP address, and
 * the search path its resolver uses. {@code autopath @kubernetes} uses it to answer search-path
 * expansions on the server side.
 */
public interface PodNamespaceLookup {

  /** The namespace of the pod with address {@code podIp}, if such a pod is known. */
  Optional<String> namespaceOf(InetAddress podIp);

  /**
   * The search path of a pod in {@code namespace} with {@code dnsPolicy: ClusterFirst}, in the
   * order the resolver tries it: {@code ns.svc.ZONE.}, {@code svc.ZONE.}, {@code ZONE.}.
   */
  List<Name> searchPath(String namespace);
}
