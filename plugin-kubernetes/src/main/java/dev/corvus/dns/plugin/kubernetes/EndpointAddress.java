package dev.corvus.dns.plugin.kubernetes;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One ready address of an EndpointSlice.
 *
 * <p>Most endpoints are named after their IPv4 address ({@code 10-244-1-7}); that label is derived
 * when asked for rather than stored, since a large cluster has tens of thousands of them.
 *
 * @param address the address
 * @param name the DNS label naming it when that is not its IPv4 address in dashes: the endpoint's
 *     hostname, else the pod name with {@code endpoint_pod_names}, else an IPv6 address in dashes
 *     (CoreDNS's {@code endpointHostname}); lower case. {@code null} when the label is the IPv4
 *     address in dashes
 */
public record EndpointAddress(InetAddress address, String name) {

  /** The DNS label naming this address under its Service. */
  public String label() {
    return name != null ? name : dashed((Inet4Address) address);
  }

  /** {@code 10.244.1.7} → {@code 10-244-1-7}. */
  static String dashed(Inet4Address address) {
    return dashed(EndpointSliceView.toInt(address));
  }

  /** The IPv4 address {@code address} (as a number) in dashes. */
  static String dashed(int address) {
    return (address >>> 24) + "-" + (address >>> 16 & 0xff) + "-" + (address >>> 8 & 0xff) + "-" + (address & 0xff);
  }

  /**
   * The IPv4 address whose dashed form is exactly {@code label} ({@code 10-244-1-7}, no leading
   * zeros), or {@code null}: the address an endpoint without a stored name must have to be named
   * {@code label}. Parsed as pod names are ({@link RecordFinder#podAddress}).
   */
  static InetAddress ipv4OfLabel(String label) {
    return RecordFinder.podAddress(label) instanceof Inet4Address address && dashed(address).equals(label)
        ? address
        : null;
  }
}
