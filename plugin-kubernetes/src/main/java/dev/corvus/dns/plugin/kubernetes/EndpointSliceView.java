package dev.corvus.dns.plugin.kubernetes;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The ready part of one EndpointSlice. Immutable.
 *
 * <p>A large cluster has tens of thousands of endpoint addresses, so a slice keeps them packed:
 * an IPv4 slice as one {@code int} per address, and the stored names only when an address has one
 * ({@link EndpointAddress#name()}); {@link #addresses()} builds the address objects when asked.
 * Slices with IPv6 addresses keep {@link InetAddress} objects.
 */
public final class EndpointSliceView {

  private final String namespace;
  private final String name;
  private final String serviceName;
  private final List<ServicePort> ports;
  /** The addresses of an all-IPv4 slice, else {@code null}. */
  private final int[] ipv4;
  /** The addresses of a slice with IPv6 addresses, else {@code null}. */
  private final InetAddress[] others;
  /** The stored names by position, or {@code null} when no address has one. */
  private final String[] names;

  /**
   * @param namespace the namespace
   * @param name the slice's own name
   * @param serviceName the Service it belongs to ({@code kubernetes.io/service-name})
   * @param ports its ports, or only {@link ServicePort#PORTLESS} when it declares none
   * @param addresses its ready addresses; not-ready endpoints are dropped when projected
   */
  public EndpointSliceView(
      String namespace,
      String name,
      String serviceName,
      List<ServicePort> ports,
      List<EndpointAddress> addresses) {
    this.namespace = namespace;
    this.name = name;
    this.serviceName = serviceName;
    this.ports = List.copyOf(ports);
    int count = addresses.size();
    boolean allIpv4 = addresses.stream().allMatch(a -> a.address() instanceof Inet4Address);
    this.ipv4 = allIpv4 ? new int[count] : null;
    this.others = allIpv4 ? null : new InetAddress[count];
    String[] stored = null;
    for (int i = 0; i < count; i++) {
      EndpointAddress address = addresses.get(i);
      if (allIpv4) {
        ipv4[i] = toInt((Inet4Address) address.address());
      } else {
        others[i] = address.address();
      }
      if (address.name() != null) {
        if (stored == null) {
          stored = new String[count];
        }
        stored[i] = address.name();
      }
    }
    this.names = stored;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  public String serviceName() {
    return serviceName;
  }

  public List<ServicePort> ports() {
    return ports;
  }

  /** The number of ready addresses. */
  public int addressCount() {
    return ipv4 != null ? ipv4.length : others.length;
  }

  /** The address at {@code index}, built for the caller when the slice keeps it packed. */
  public EndpointAddress endpoint(int index) {
    return new EndpointAddress(address(index), names == null ? null : names[index]);
  }

  /** The DNS label of the address at {@code index}, without building the address. */
  String label(int index) {
    if (named(index)) {
      return names[index];
    }
    return ipv4 != null ? EndpointAddress.dashed(ipv4[index]) : endpoint(index).label();
  }

  /** Whether the address at {@code index} has a stored name (else its label is its address). */
  boolean named(int index) {
    return names != null && names[index] != null;
  }

  /** The ready addresses in the slice's order; each element is built when read. */
  public List<EndpointAddress> addresses() {
    return new AbstractList<>() {
      @Override
      public EndpointAddress get(int index) {
        return endpoint(index);
      }

      @Override
      public int size() {
        return addressCount();
      }
    };
  }

  /** The IPv4 address at {@code index} as an {@code int}; only for an all-IPv4 slice. */
  int ipv4(int index) {
    return ipv4[index];
  }

  /** Whether every address is IPv4 (kept packed). */
  boolean allIpv4() {
    return ipv4 != null;
  }

  private InetAddress address(int index) {
    return ipv4 != null ? fromInt(ipv4[index]) : others[index];
  }

  /** The key of the slice itself, unique in the cluster (the offline source's snapshots). */
  String sliceKey() {
    return namespace + "/" + name;
  }

  static int toInt(Inet4Address address) {
    byte[] b = address.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  static InetAddress fromInt(int address) {
    try {
      return InetAddress.getByAddress(
          new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointSliceView other
        && namespace.equals(other.namespace)
        && name.equals(other.name)
        && serviceName.equals(other.serviceName)
        && ports.equals(other.ports)
        && Arrays.equals(ipv4, other.ipv4)
        && Arrays.equals(others, other.others)
        && Arrays.equals(names, other.names);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        namespace, name, serviceName, ports, Arrays.hashCode(ipv4), Arrays.hashCode(others), Arrays.hashCode(names));
  }

  @Override
  public String toString() {
    return "EndpointSliceView[" + namespace + "/" + name + " of " + serviceName + ", ports=" + ports
        + ", addresses=" + addresses() + "]";
  }
}
