package dev.corvus.dns.plugin.kubernetes;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

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
    byte[] octets = address.getAddress();
    StringBuilder label = new StringBuilder(15);
    for (int i = 0; i < octets.length; i++) {
      if (i > 0) {
        label.append('-');
      }
      label.append(octets[i] & 0xff);
    }
    return label.toString();
  }

  /**
   * The IPv4 address whose dashed form is exactly {@code label} ({@code 10-244-1-7}, no leading
   * zeros), or {@code null}: the address an endpoint without a stored name must have to be named
   * {@code label}.
   */
  static InetAddress ipv4OfLabel(String label) {
    byte[] octets = new byte[4];
    int octet = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= label.length(); i++) {
      char c = i < label.length() ? label.charAt(i) : '-';
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null; // a leading zero
        }
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '-' && digits > 0 && octet < 4) {
        octets[octet++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    if (octet != 4) {
      return null;
    }
    try {
      return InetAddress.getByAddress(octets);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
