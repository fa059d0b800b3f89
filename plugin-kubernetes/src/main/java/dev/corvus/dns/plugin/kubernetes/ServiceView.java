package dev.corvus.dns.plugin.kubernetes;

import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The part of a Service that DNS answers from; everything else of the object is dropped when it
 * is projected.
 *
 * @param namespace the namespace
 * @param name the Service's name
 * @param kind how the Service is answered
 * @param clusterIps every address of {@code spec.clusterIPs} (dual-stack), empty for headless
 * @param ports the Service's ports
 * @param externalName the CNAME target of an ExternalName Service (absolute, lower case), else
 *     {@code null}
 * @param externalIps {@code spec.externalIPs} followed by the LoadBalancer ingress IPs, for {@code
 *     k8s_external}
 * @param externalHosts the LoadBalancer ingress host names (of entries without an IP), absolute and
 *     spelled as given, for {@code k8s_external}, which answers them with a CNAME as CoreDNS does
 * @param hasSelector whether the Service selects pods (labels the programming-duration metric)
 */
public record ServiceView(
    String namespace,
    String name,
    Kind kind,
    List<InetAddress> clusterIps,
    List<ServicePort> ports,
    String externalName,
    List<InetAddress> externalIps,
    List<Name> externalHosts,
    boolean hasSelector) {

  /** How a Service is answered. */
  public enum Kind {
    /** A/AAAA with the cluster IPs. */
    CLUSTER_IP,
    /** {@code clusterIP: None}: A/AAAA with the ready endpoint addresses. */
    HEADLESS,
    /** CNAME to {@code spec.externalName}. */
    EXTERNAL_NAME
  }

  public ServiceView {
    clusterIps = List.copyOf(clusterIps);
    ports = List.copyOf(ports);
    externalIps = List.copyOf(externalIps);
    externalHosts = List.copyOf(externalHosts);
  }

  /** Whether the Service has an external IP or a LoadBalancer ingress (address or host name). */
  public boolean hasExternalAddresses() {
    return !externalIps.isEmpty() || !externalHosts.isEmpty();
  }

  /** The key of the Service in the offline source's snapshots, {@code namespace/name}. */
  String key() {
    return namespace + "/" + name;
  }

  /**
   * The {@code service_kind} label of {@code coredns_kubernetes_dns_programming_duration_seconds},
   * as CoreDNS names the kinds.
   */
  String programmingKind() {
    if (kind != Kind.HEADLESS) {
      return "cluster_ip";
    }
    return hasSelector ? "headless_with_selector" : "headless_without_selector";
  }
}
