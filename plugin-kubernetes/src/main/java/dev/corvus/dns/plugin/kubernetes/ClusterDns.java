package dev.corvus.dns.plugin.kubernetes;

import java.util.List;

/**
 * The read side of the kubernetes plugin's data that {@code k8s_external} answers from. Exported
 * through {@link dev.corvus.dns.api.plugin.ServiceRegistry}; both directives live in this jar, so
 * they share the type.
 */
public interface ClusterDns {

  /** The Service {@code name} in {@code namespace}, or {@code null}. */
  ServiceView service(String namespace, String name);

  /** The merged ready endpoints of {@code service}, possibly empty. */
  ServiceEndpoints endpoints(ServiceView service);

  /**
   * The ready addresses of {@code service} named {@code label} under it ({@code
   * label.service.namespace}), with the ports of their slices; found through indexes, not by
   * walking the endpoints.
   */
  List<ServiceEndpoints.Member> endpointsLabelled(ServiceView service, String label);

  /** Whether names in {@code namespace} are answered. */
  boolean namespaceExposed(String namespace);

  /**
   * The {@code kubernetes} directive's {@code ttl}: CoreDNS's k8s_external gives it to the records
   * it builds from the service data itself (SRV, and the CNAME of a LoadBalancer host name), its
   * own {@code ttl} to the address records.
   */
  long ttl();
}
