package dev.corvus.dns.plugin.kubernetes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every EndpointSlice of one Service, merged. Immutable: an update builds a new one.
 *
 * <p>Addresses with a stored name (hostnames, pod names, IPv6) are indexed here by that name; the
 * many named after their IPv4 address are found through the address instead ({@link
 * ClusterIndex#endpointsLabelled}), so that they cost no map entry per address.
 *
 * @param slices the slices, by slice name (all of one namespace)
 * @param named the addresses with a stored name (with the ports of their slice), by that name
 * @param addressCount the number of ready addresses over all slices, duplicates included
 */
public record ServiceEndpoints(
    Map<String, EndpointSliceView> slices,
    Map<String, List<Member>> named,
    int addressCount) {

  /** One address with the ports its slice gives it. */
  public record Member(EndpointAddress address, List<ServicePort> ports) {}

  static final ServiceEndpoints EMPTY = new ServiceEndpoints(Map.of(), Map.of(), 0);

  /** Builds the merged view of {@code slices}. */
  static ServiceEndpoints of(Map<String, EndpointSliceView> slices) {
    if (slices.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<Member>> named = new HashMap<>();
    int count = 0;
    for (EndpointSliceView slice : slices.values()) {
      for (int i = 0; i < slice.addressCount(); i++) {
        if (slice.named(i)) {
          EndpointAddress address = slice.endpoint(i);
          named.computeIfAbsent(address.name(), k -> new ArrayList<>(1))
              .add(new Member(address, slice.ports()));
        }
      }
      count += slice.addressCount();
    }
    named.replaceAll((k, v) -> List.copyOf(v));
    return new ServiceEndpoints(Map.copyOf(slices), Map.copyOf(named), count);
  }

  /** The slices in a stable order. */
  public Collection<EndpointSliceView> sliceViews() {
    return slices.values();
  }

  /** This set with {@code slice} added or replaced. */
  ServiceEndpoints with(EndpointSliceView slice) {
    Map<String, EndpointSliceView> copy = new HashMap<>(slices);
    copy.put(slice.name(), slice);
    return of(copy);
  }

  /** This set without the slice {@code sliceName}. */
  ServiceEndpoints without(String sliceName) {
    if (!slices.containsKey(sliceName)) {
      return this;
    }
    Map<String, EndpointSliceView> copy = new HashMap<>(slices);
    copy.remove(sliceName);
    return of(copy);
  }
}
