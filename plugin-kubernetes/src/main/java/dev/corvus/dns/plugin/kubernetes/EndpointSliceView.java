package dev.corvus.dns.plugin.kubernetes;

import java.util.List;

/**
 * The ready part of one EndpointSlice.
 *
 * @param namespace the namespace
 * @param name the slice's own name
 * @param serviceName the Service it belongs to ({@code kubernetes.io/service-name})
 * @param ports its ports, or only {@link ServicePort#PORTLESS} when it declares none
 * @param addresses its ready addresses; not-ready endpoints are dropped when projected
 */
public record EndpointSliceView(
    String namespace,
    String name,
    String serviceName,
    List<ServicePort> ports,
    List<EndpointAddress> addresses) {

  public EndpointSliceView {
    ports = List.copyOf(ports);
    addresses = List.copyOf(addresses);
  }

  /** The key of the slice itself, unique in the cluster (the offline source's snapshots). */
  String sliceKey() {
    return namespace + "/" + name;
  }
}
