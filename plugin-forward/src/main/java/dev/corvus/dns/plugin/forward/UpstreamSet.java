package dev.corvus.dns.plugin.forward;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstreams currently in use, in configured order. Destinations given as resolv.conf files
 * are re-read by {@link #refresh}: upstreams that stay keep their state (failure count, round-trip
 * estimate, pooled connections), new ones are created, removed ones are closed.
 */
final class UpstreamSet {

  private static final Logger log = LoggerFactory.getLogger(UpstreamSet.class);

  private final List<Destination> destinations;
  private final Function<UpstreamAddress, Upstream> factory;
  private final Map<Path, List<UpstreamAddress>> fileNameservers = new ConcurrentHashMap<>();
  private volatile List<Upstream> current;
  private boolean closed;

  UpstreamSet(List<Destination> destinations, Function<UpstreamAddress, Upstream> factory) {
    this.destinations = List.copyOf(destinations);
    this.factory = factory;
    for (Destination destination : destinations) {
      if (destination instanceof Destination.ResolvConfFile file) {
        fileNameservers.put(file.file(), file.nameservers());
      }
    }
    List<Upstream> initial = new ArrayList<>();
    for (UpstreamAddress address : addresses()) {
      initial.add(factory.apply(address));
    }
    this.current = List.copyOf(initial);
  }

  /** The upstreams in configured order; never empty. */
  List<Upstream> current() {
    return current;
  }

  /** Whether any destination is a file that {@link #refresh} re-reads. */
  boolean watchesFiles() {
    return !fileNameservers.isEmpty();
  }

  /**
   * Re-reads every resolv.conf destination and swaps in the new upstream list if it changed. A
   * file that cannot be read, or a list that would be empty, keeps the previous upstreams.
   */
  synchronized void refresh() {
    if (closed) {
      return;
    }
    boolean changed = false;
    for (Map.Entry<Path, List<UpstreamAddress>> entry : fileNameservers.entrySet()) {
      try {
        List<UpstreamAddress> read = Destination.ResolvConfFile.nameservers(entry.getKey());
        if (!read.equals(entry.getValue())) {
          log.info("forward: {} now names {}", entry.getKey(), read);
          entry.setValue(read);
          changed = true;
        }
      } catch (IOException | IllegalArgumentException e) {
        log.warn("forward: cannot re-read {}, keeping its previous nameservers: {}", entry.getKey(), e.getMessage());
      }
    }
    if (!changed) {
      return;
    }
    List<UpstreamAddress> addresses = addresses();
    if (addresses.isEmpty()) {
      log.warn("forward: no nameservers left, keeping the previous upstreams");
      return;
    }
    if (addresses.size() > ForwardConfig.MAX_UPSTREAMS) {
      log.warn("forward: {} upstreams named, only the first {} are used", addresses.size(), ForwardConfig.MAX_UPSTREAMS);
      addresses = addresses.subList(0, ForwardConfig.MAX_UPSTREAMS);
    }
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

  /**
   * The resolv.conf file that names {@code address}, or {@code null} when it is configured
   * directly (a directly configured address wins, as the first destination naming it does).
   */
  Path resolvConfOf(UpstreamAddress address) {
    for (Destination destination : destinations) {
      if (destination instanceof Destination.ResolvConfFile file) {
        if (fileNameservers.get(file.file()).contains(address)) {
          return file.file();
        }
      } else if (destination.upstreams().contains(address)) {
        return null;
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
      List<UpstreamAddress> named =
          destination instanceof Destination.ResolvConfFile file
              ? fileNameservers.get(file.file())
              : destination.upstreams();
      for (UpstreamAddress address : named) {
        if (!all.contains(address)) {
          all.add(address);
        }
      }
    }
    return all;
  }
}
