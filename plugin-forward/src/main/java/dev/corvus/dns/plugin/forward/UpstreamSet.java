package dev.corvus.dns.plugin.forward;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstreams currently in use, in configured order. Destinations given as resolv.conf files
 * are re-read by {@link #refresh}, host names are resolved by {@link HostResolution}, which
 * reports here ({@link #resolved}): upstreams that stay keep their state (failure count,
 * round-trip estimate, pooled connections), new ones are created, removed ones are closed.
 */
final class UpstreamSet {

  private static final Logger log = LoggerFactory.getLogger(UpstreamSet.class);

  private final List<Destination> destinations;
  private final Function<UpstreamAddress, Upstream> factory;
  /** What each file or host-name destination names now; guarded by {@code this}. */
  private final Map<Destination, List<UpstreamAddress>> named = new LinkedHashMap<>();
  private volatile List<Upstream> current;
  private boolean closed;

  UpstreamSet(List<Destination> destinations, Function<UpstreamAddress, Upstream> factory) {
    this.destinations = List.copyOf(destinations);
    this.factory = factory;
    for (Destination destination : destinations) {
      if (!(destination instanceof Destination.Fixed)) {
        named.put(destination, destination.upstreams());
      }
    }
    List<Upstream> initial = new ArrayList<>();
    for (UpstreamAddress address : limited(addresses())) {
      initial.add(factory.apply(address));
    }
    this.current = List.copyOf(initial);
  }

  /**
   * The upstreams in configured order; empty only while the destinations are host names none of
   * which resolved yet.
   */
  List<Upstream> current() {
    return current;
  }

  /** Whether any destination is a file that {@link #refresh} re-reads. */
  boolean watchesFiles() {
    return destinations.stream().anyMatch(d -> d instanceof Destination.ResolvConfFile);
  }

  /**
   * Re-reads every resolv.conf destination and swaps in the new upstream list if it changed. A
   * file that cannot be read keeps its previous nameservers.
   */
  synchronized void refresh() {
    if (closed) {
      return;
    }
    boolean changed = false;
    for (Map.Entry<Destination, List<UpstreamAddress>> entry : named.entrySet()) {
      if (!(entry.getKey() instanceof Destination.ResolvConfFile file)) {
        continue;
      }
      try {
        List<UpstreamAddress> read = Destination.ResolvConfFile.nameservers(file.file());
        if (!read.equals(entry.getValue())) {
          log.info("forward: {} now names {}", file.file(), read);
          entry.setValue(read);
          changed = true;
        }
      } catch (IOException | IllegalArgumentException e) {
        log.warn("forward: cannot re-read {}, keeping its previous nameservers: {}", file.file(), e.getMessage());
      }
    }
    if (changed) {
      rebuild();
    }
  }

  /** A host name now resolves to {@code addresses}; swaps in the new upstream list if it changed. */
  synchronized void resolved(Destination.HostName host, List<UpstreamAddress> addresses) {
    if (closed || addresses.equals(named.get(host))) {
      return;
    }
    named.put(host, List.copyOf(addresses));
    rebuild();
  }

  /** The addresses a host name resolved to last; empty before it first resolved. */
  synchronized List<UpstreamAddress> addressesOf(Destination.HostName host) {
    return named.getOrDefault(host, List.of());
  }

  /**
   * Swaps in the upstreams the destinations name now. A list that would be empty keeps the
   * previous upstreams: an emptied file or a failed lookup is more likely a mistake than a wish
   * to stop forwarding.
   */
  private void rebuild() {
    List<UpstreamAddress> addresses = addresses();
    if (addresses.isEmpty() && !current.isEmpty()) {
      log.warn("forward: no nameservers left, keeping the previous upstreams");
      return;
    }
    addresses = limited(addresses);
    Map<UpstreamAddress, Upstream> old = new LinkedHashMap<>();
    for (Upstream upstream : current) {
      old.put(upstream.address(), upstream);
    }
    List<Upstream> next = new ArrayList<>();
    for (UpstreamAddress address : addresses) {
      Upstream kept = old.remove(address);
      next.add(kept != null ? kept : factory.apply(address));
    }
    current = List.copyOf(next);
    old.values().forEach(Upstream::close);
  }

  private static List<UpstreamAddress> limited(List<UpstreamAddress> addresses) {
    if (addresses.size() > ForwardConfig.MAX_UPSTREAMS) {
      log.warn("forward: {} upstreams named, only the first {} are used", addresses.size(), ForwardConfig.MAX_UPSTREAMS);
      return addresses.subList(0, ForwardConfig.MAX_UPSTREAMS);
    }
    return addresses;
  }

  /**
   * The destination that names {@code address}: the first in configured order, as the first one
   * wins when two name the same upstream; {@code null} when none does any more.
   */
  synchronized Destination sourceOf(UpstreamAddress address) {
    for (Destination destination : destinations) {
      List<UpstreamAddress> addresses = named.getOrDefault(destination, destination.upstreams());
      if (addresses.contains(address)) {
        return destination;
      }
    }
    return null;
  }

  /** Closes every upstream. */
  synchronized void close() {
    closed = true;
    current.forEach(Upstream::close);
  }

  private List<UpstreamAddress> addresses() {
    List<UpstreamAddress> all = new ArrayList<>();
    for (Destination destination : destinations) {
      for (UpstreamAddress address : named.getOrDefault(destination, destination.upstreams())) {
        if (!all.contains(address)) {
          all.add(address);
        }
      }
    }
    return all;
  }
}
