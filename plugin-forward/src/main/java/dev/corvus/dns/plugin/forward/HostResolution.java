package dev.corvus.dns.plugin.forward;

import dev.corvus.dns.api.Ticker;
import dev.corvus.dns.api.io.IoLoop;
import dev.corvus.dns.api.io.IoLoops;
import dev.corvus.dns.api.metrics.Counter;
import dev.corvus.dns.api.metrics.Gauge;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the host-name destinations of one {@code forward} resolved while it runs. CoreDNS resolves
 * them once, at start-up, and refuses to start when one does not resolve; here each name is looked
 * up when the plugin starts and again when its records' TTL runs out (at least {@link
 * #MIN_REFRESH} apart; every {@link HostLookup.SystemResolver#REFRESH} with the system's
 * resolver, which does not tell the TTL), and a name that does not resolve is not fatal: it names
 * no upstream until it does (queries then go to the others, or fail with SERVFAIL when there are
 * none), it is logged and counted ({@code corvus_forward_host_resolution_failures_total}, {@code
 * corvus_forward_host_addresses} 0), and it is tried again after {@link #FIRST_RETRY}, doubling up
 * to {@link #MAX_RETRY}. A name that stops resolving keeps its previous addresses.
 *
 * <p>Lookups block (the system's resolver has no other interface), so they run on a thread of the
 * plugin's own, never on an I/O loop; their timers run on one of the server's loops by the
 * plugin's ticker, so tests decide when a TTL has run out.
 */
final class HostResolution {

  private static final Logger log = LoggerFactory.getLogger(HostResolution.class);

  /** The shortest time between two lookups of a name, whatever its TTL. */
  static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  /** The longest time a lookup is used, whatever its TTL. */
  static final Duration MAX_REFRESH = Duration.ofHours(1);
  /** The wait after a first failed lookup; it doubles with each failure in a row. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  /** The longest wait between failed lookups. */
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** One host name: what it resolved to last and when it is looked up next. */
  private final class HostState {
    final Destination.HostName host;
    final Gauge.Child addressCount;
    final Counter.Child failureCount;
    final CompletableFuture<Void> first = new CompletableFuture<>();
    volatile List<InetAddress> addresses = List.of();
    volatile String error;
    /** Failed lookups in a row; on the resolution thread. */
    int failures;
    /** The next lookup; on {@link #loop}. */
    TickerTimer timer;

    HostState(Destination.HostName host) {
      this.host = host;
      this.addressCount = metrics.hostAddresses.labels(host.label());
      this.failureCount = metrics.hostResolutionFailures.labels(host.label());
      addressCount.set(0);
    }
  }

  private final HostLookup lookup;
  private final UpstreamSet upstreams;
  private final IoLoops loops;
  private final Ticker ticker;
  private final ForwardMetrics metrics;
  private final Map<Destination.HostName, HostState> names = new LinkedHashMap<>();
  private ExecutorService executor;
  private IoLoop loop;
  private volatile boolean stopped;

  HostResolution(List<Destination> destinations, HostLookup lookup, UpstreamSet upstreams, IoLoops loops,
      Ticker ticker, ForwardMetrics metrics) {
    this.lookup = lookup;
    this.upstreams = upstreams;
    this.loops = loops;
    this.ticker = ticker;
    this.metrics = metrics;
    for (Destination destination : destinations) {
      if (destination instanceof Destination.HostName host) {
        names.putIfAbsent(host, new HostState(host));
      }
    }
  }

  /**
   * Looks every name up once.
   *
   * @return completes when each name has been looked up once, resolved or not
   */
  synchronized CompletableFuture<Void> start() {
    if (names.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    loop = loops.next();
    executor = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "corvus-forward-resolve");
      thread.setDaemon(true);
      return thread;
    });
    List<CompletableFuture<Void>> firsts = new ArrayList<>();
    for (HostState name : names.values()) {
      firsts.add(name.first);
      resolve(name);
    }
    return CompletableFuture.allOf(firsts.toArray(CompletableFuture[]::new));
  }

  /** Stops looking names up. */
  synchronized void stop() {
    stopped = true;
    if (executor != null) {
      executor.shutdownNow();
    }
    if (loop != null) {
      try {
        loop.execute(() -> names.values().forEach(name -> {
          if (name.timer != null) {
            name.timer.cancel();
          }
        }));
      } catch (RejectedExecutionException e) {
        // The loop has shut down: its timers with it.
      }
    }
  }

  /** What each name resolved to, for the inspector: name, addresses, error, resolver. */
  List<Map<String, Object>> describe() {
    List<Map<String, Object>> hosts = new ArrayList<>();
    for (HostState name : names.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("host", name.host.label());
      entry.put("resolver", lookup.describe());
      entry.put("addresses", name.addresses.stream().map(InetAddress::getHostAddress).toList());
      entry.put("error", name.error);
      hosts.add(entry);
    }
    return hosts;
  }

  private void resolve(HostState name) {
    if (stopped) {
      return;
    }
    try {
      executor.execute(() -> lookUp(name));
    } catch (RejectedExecutionException e) {
      // Stopped meanwhile.
    }
  }

  /** On the resolution thread. */
  private void lookUp(HostState name) {
    if (stopped) {
      return;
    }
    long next;
    try {
      HostLookup.Resolved resolved = lookup.lookup(name.host.host());
      next = succeeded(name, resolved);
    } catch (IOException | RuntimeException e) {
      next = failed(name, e);
    }
    // The deadline is read before anyone hears of this lookup: whoever does sees a ticker at or
    // before the start of the wait.
    schedule(name, ticker.read() + next);
    name.first.complete(null);
  }

  /** @return when to look the name up again, in nanoseconds from now */
  private long succeeded(HostState name, HostLookup.Resolved resolved) {
    List<InetAddress> addresses = resolved.addresses();
    if (!addresses.equals(name.addresses) || name.error != null) {
      log.info("forward: {} resolves to {}", name.host.label(),
          addresses.stream().map(InetAddress::getHostAddress).toList());
    }
    name.addresses = addresses;
    name.error = null;
    name.failures = 0;
    name.addressCount.set(addresses.size());
    List<UpstreamAddress> upstreamAddresses = new ArrayList<>();
    for (InetAddress address : addresses) {
      upstreamAddresses.add(name.host.at(address));
    }
    upstreams.resolved(name.host, upstreamAddresses);
    Duration ttl = resolved.ttl();
    if (ttl.compareTo(MIN_REFRESH) < 0) {
      ttl = MIN_REFRESH;
    } else if (ttl.compareTo(MAX_REFRESH) > 0) {
      ttl = MAX_REFRESH;
    }
    return ttl.toNanos();
  }

  /** @return when to try again, in nanoseconds from now */
  private long failed(HostState name, Exception error) {
    name.failureCount.inc();
    name.failures++;
    long retry = Math.min(MAX_RETRY.toNanos(), FIRST_RETRY.toNanos() << Math.min(name.failures - 1, 16));
    String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    name.error = why;
    if (name.failures == 1) {
      if (name.addresses.isEmpty()) {
        log.warn("forward: cannot resolve {} ({}): it names no upstream until it resolves; next try in {}",
            name.host.label(), why, ForwardSelfCheck.describe(Duration.ofNanos(retry)));
      } else {
        log.warn("forward: cannot resolve {} ({}): keeping its previous addresses {}; next try in {}",
            name.host.label(), why, name.addresses.stream().map(InetAddress::getHostAddress).toList(),
            ForwardSelfCheck.describe(Duration.ofNanos(retry)));
      }
    } else {
      log.debug("forward: cannot resolve {} ({}), failure {} in a row", name.host.label(), why, name.failures);
    }
    return retry;
  }

  /** @param deadline the ticker reading at which to look the name up again */
  private void schedule(HostState name, long deadline) {
    if (stopped) {
      return;
    }
    try {
      loop.execute(() -> {
        if (!stopped) {
          name.timer = TickerTimer.at(loop, ticker, deadline, () -> resolve(name));
        }
      });
    } catch (RejectedExecutionException e) {
      // The server is stopping.
    }
  }
}
