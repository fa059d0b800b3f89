package dev.corvus.dns.plugin.kubernetes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every EndpointSlice of one Service, merged, with the addresses indexed by their DNS label so
 * that {@code label.svc.ns.svc.zone} is a hash lookup. Immutable: an update builds a new one.
 *
 * @param slices the slices, by slice key
 * @param byLabel every ready address (with the ports of its slice) by lower-case label
 * @param addressCount the number of ready addresses over all slices, duplicates included
 */
public record ServiceEndpoints(
    Map<String, EndpointSliceView> slices,
    Map<String, List<Member>> byLabel,
    int addressCount) {

  /** One address with the ports its slice gives it. */
  public record Member(EndpointAddress address, List<ServicePort> ports) {}

  static final ServiceEndpoints EMPTY = new ServiceEndpoints(Map.of(), Map.of(), 0);

  /** Builds the merged view of {@code slices}. */
  static ServiceEndpoints of(Map<String, EndpointSliceView> slices) {
    if (slices.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<Member>> byLabel = new HashMap<>();
    int count = 0;
    for (EndpointSliceView slice : slices.values()) {
      for (EndpointAddress address : slice.addresses()) {
        byLabel.computeIfAbsent(address.label(), k -> new ArrayList<>(1))
            .add(new Member(address, slice.ports()));
        count++;
      }
    }
    byLabel.replaceAll((k, v) -> List.copyOf(v));
    return new ServiceEndpoints(Map.copyOf(slices), Map.copyOf(byLabel), count);
  }

  /** The slices in a stable order. */
  public Collection<EndpointSliceView> sliceViews() {
    return slices.values();
  }

  /** This set with {@code slice} added or replaced. */
  ServiceEndpoints with(EndpointSliceView slice) {
    Map<String, EndpointSliceView> copy = new HashMap<>(slices);
    copy.put(slice.sliceKey(), slice);
    return of(copy);
  }

  /** This set without the slice {@code sliceKey}. */
  ServiceEndpoints without(String sliceKey) {
    if (!slices.containsKey(sliceKey)) {
      return this;
    }
    Map<String, EndpointSliceView> copy = new HashMap<>(slices);
    copy.remove(sliceKey);
    return of(copy);
  }
}
