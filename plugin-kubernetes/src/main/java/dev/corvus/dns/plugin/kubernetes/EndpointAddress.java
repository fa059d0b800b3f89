package dev.corvus.dns.plugin.kubernetes;

import java.net.InetAddress;

/**
 * One ready address of an EndpointSlice.
 *
 * @param address the address
 * @param label the DNS label naming it under its Service: the endpoint's hostname, else the pod
 *     name with {@code endpoint_pod_names}, else the address with dashes (CoreDNS's {@code
 *     endpointHostname}); lower case
 */
public record EndpointAddress(InetAddress address, String label) {}
